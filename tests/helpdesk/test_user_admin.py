"""Django admin names users' roles in the UI's language and filters users by role."""

import pytest


@pytest.mark.django_db
def test_users_are_filtered_by_role_named_in_chinese(client, admin_user, agent, manager):
    client.force_login(admin_user)
    response = client.get("/admin/helpdesk/user/", {"role": "Agent"}, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 200
    users = list(response.context["cl"].result_list)
    assert agent in users and manager not in users
    page = response.content.decode()
    assert "客服专员" in page and ">Agent<" not in page
