import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from helpdesk.models import LoginFailure
from tests.factories import UserFactory
from tests.factories.helpdesk import PASSWORD

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15


def login(client, username, password, address="198.51.100.7", **extra):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def token(api_client, username, password, address="198.51.100.7"):
    return api_client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json",
                           REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_the_login_page_locks_an_account_after_repeated_failures_then_cools_down(client, agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            assert login(client, agent.username, "wrong", **EN).status_code == 200
        assert login(client, agent.username, "wrong", **EN).status_code == 429  # the failure that locks says so
        locked = login(client, agent.username, PASSWORD, **EN)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert login(client, agent.username, PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert login(client, agent.username, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username=agent.username).exists()


def test_the_lock_message_is_in_chinese_by_default(client, agent):
    for _ in range(3):
        login(client, agent.username, "wrong")
    assert "登录失败次数过多" in login(client, agent.username, PASSWORD).content.decode()


def test_a_locked_account_does_not_lock_its_colleagues_behind_the_same_address(client, agent):
    colleague = UserFactory(username="t-colleague", role="Agent")
    for _ in range(4):
        login(client, agent.username, "wrong")
    assert login(client, colleague.username, PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_locked_for_every_account(client, api_client, agent):
    for number in range(6):
        login(client, f"guess{number}", "wrong")
    locked = login(client, agent.username, PASSWORD, **EN)
    assert locked.status_code == 429 and "from your network address" in locked.content.decode()
    assert token(api_client, agent.username, PASSWORD).status_code == 429
    assert login(client, agent.username, PASSWORD, address="198.51.100.8").status_code == 302


def test_a_spoofed_forwarded_for_does_not_escape_the_address_lock(client, agent):
    for number in range(6):
        login(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert login(client, agent.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_a_successful_sign_in_forgets_the_accounts_failures(client, agent):
    for _ in range(2):
        login(client, agent.username, "wrong")
    assert login(client, agent.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        login(client, agent.username, "wrong")
    assert login(client, agent.username, PASSWORD).status_code == 302


def test_the_token_endpoint_shares_the_accounts_lock_and_says_when_to_retry(client, api_client, agent):
    for _ in range(2):
        assert token(api_client, agent.username, "wrong").status_code == 400
    login(client, agent.username, "wrong")
    refused = token(api_client, agent.username, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60 + 1
    assert login(client, agent.username, PASSWORD).status_code == 429


def test_the_admin_login_is_throttled_with_the_same_message(client, admin_user):
    for _ in range(3):
        client.post("/admin/login/", {"username": admin_user.username, "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
    response = client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD},
                           REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many failed sign-ins for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_is_counted_whatever_the_case_of_its_name(client, agent):
    for name in (agent.username.upper(), f" {agent.username}", agent.username.title()):
        login(client, name, "wrong")
    assert login(client, agent.username, PASSWORD).status_code == 429


def test_old_failures_are_dropped_when_a_new_one_is_recorded(client, agent):
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        login(client, "someone", "wrong")
    login(client, agent.username, "wrong")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == [agent.username]
