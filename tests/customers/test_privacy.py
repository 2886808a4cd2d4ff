import pytest

from customers.privacy import mask_address, mask_email, mask_phone
from customers.selectors import customer_card_for_viewer
from tests.factories import CustomerFactory


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13800138000", "138****8000"), ("+86 138-0013-8000", "138****8000"), ("", ""), ("1234", "****")],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_email_and_address():
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_email("") == ""
    assert mask_address("上海市浦东新区世纪大道100号") == "上海市浦东新****"


@pytest.mark.django_db
def test_card_is_masked_for_agents_and_clear_for_supervisors(agent, supervisor):
    customer = CustomerFactory(phone="13800138000", email="wang@example.com")
    agent_card = customer_card_for_viewer(viewer=agent, customer=customer)
    assert agent_card["phone"] == "138****8000" and agent_card["email"] == "w***@example.com"
    assert agent_card["is_masked"]
    supervisor_card = customer_card_for_viewer(viewer=supervisor, customer=customer)
    assert supervisor_card["phone"] == "13800138000" and not supervisor_card["is_masked"]
