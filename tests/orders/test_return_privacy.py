"""Personal data typed in returns (description, rejection reason, inspection notes, timeline): masked without the right."""

import pytest

from customers.services import customer_anonymize
from orders import services
from orders.models import ReturnDeadline, ReturnEvent, ReturnRequest
from tests.factories.orders import delivered_order
from tickets.privacy import REDACTED_BODY

pytestmark = pytest.mark.django_db

DESCRIPTION = "包装破损，请联系13912345678或 wang@example.com"
REASON = "照片不清楚，已打电话13800138000"


@pytest.fixture
def rejected(agent):
    order = delivered_order()
    ret = services.return_request_create(order=order, kind="return", reason="quality", description=DESCRIPTION,
                                         items=[(order.items.first().pk, 1)], contact_name="王芳",
                                         contact_phone="13912345678", contact_email="wang@example.com")
    return services.return_request_reject(return_request=ret, actor=agent, reason=REASON)


def test_return_page_masks_what_was_typed_for_an_agent(client_for, agent, supervisor, rejected):
    page = client_for(agent).get(f"/returns/{rejected.pk}/").content.decode()
    for secret in ("13912345678", "wang@example.com", "13800138000"):
        assert secret not in page
    assert "包装破损，请联系139****5678或 w***@example.com" in page and "照片不清楚，已打电话138****8000" in page
    page = client_for(supervisor).get(f"/returns/{rejected.pk}/").content.decode()
    assert DESCRIPTION in page and REASON in page


def test_return_api_masks_what_was_typed_for_an_agent(api_client, agent, supervisor, rejected):
    api_client.force_authenticate(agent)
    for shown in (api_client.get(f"/api/v1/returns/{rejected.pk}/").json(),
                  api_client.get("/api/v1/returns/").json()["results"][0]):
        assert shown["description"] == "包装破损，请联系139****5678或 w***@example.com"
        assert shown["rejection_reason"] == "照片不清楚，已打电话138****8000"
    api_client.force_authenticate(supervisor)
    shown = api_client.get(f"/api/v1/returns/{rejected.pk}/").json()
    assert (shown["description"], shown["rejection_reason"]) == (DESCRIPTION, REASON)


def test_inspection_notes_are_masked_for_an_agent(client_for, api_client, agent, rejected):
    ReturnRequest.objects.filter(pk=rejected.pk).update(is_inspection_passed=False,
                                                        inspection_notes="外箱有地址上海市浦东新区张江路123号")
    api_client.force_authenticate(agent)
    assert api_client.get(f"/api/v1/returns/{rejected.pk}/").json()["inspection_notes"] == "外箱有地址上海市浦东新****"
    page = client_for(agent).get(f"/returns/{rejected.pk}/").content.decode()
    assert "外箱有地址上海市浦东新****" in page and "张江路123号" not in page


def test_anonymize_erases_return_descriptions_and_contacts_and_masks_what_agents_wrote(manager, agent, rejected):
    deadline = ReturnDeadline.objects.filter(return_request=rejected).first()
    ReturnDeadline.objects.filter(pk=deadline.pk).update(extension_reason="暴雨，已通知13912345678")
    customer_anonymize(actor=manager, customer=rejected.customer, reason="客户申请")
    rejected.refresh_from_db()
    assert rejected.description == REDACTED_BODY
    assert (rejected.contact_name, rejected.contact_phone, rejected.contact_email) == ("", "", "")
    assert rejected.rejection_reason == "照片不清楚，已打电话138****8000"
    assert ReturnEvent.objects.get(return_request=rejected, to_status="rejected").note == "照片不清楚，已打电话138****8000"
    assert ReturnDeadline.objects.get(pk=deadline.pk).extension_reason == "暴雨，已通知139****5678"
