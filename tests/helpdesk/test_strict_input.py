"""A value reaches the API only in the JSON type the schema gives it: a number where it says string is a 400."""

import importlib
import inspect
import pkgutil

import pytest
from django.utils import translation
from rest_framework import serializers

from helpdesk.api import strict
from tests.factories import CustomerFactory, TicketFactory
from tests.factories.orders import delivered_order

APPS = ["helpdesk", "tickets", "sla", "chat", "channels", "customers", "followups", "orders", "kpi"]
NOT_TEXT = [12, 1.5, True, {"a": "b"}, ["x"]]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PLAIN = (serializers.CharField, serializers.ChoiceField, serializers.EmailField, serializers.RegexField,
         serializers.SlugField, serializers.URLField, serializers.IPAddressField, serializers.BooleanField,
         serializers.DateTimeField)
STRICT = (strict.TextOnly, strict.ChoiceField, strict.BooleanField, strict.DateTimeField)


def _project_serializers() -> set[type]:
    """Return every Serializer class defined in the apps' modules."""
    found = set()
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or module.name.endswith(".tests"):
                continue
            for _, value in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
                abstract = issubclass(value, serializers.ModelSerializer) and not hasattr(value, "Meta")
                if issubclass(value, serializers.BaseSerializer) and value.__module__.startswith(tuple(APPS)) and not abstract:
                    found.add(value)
    return found


def _fields(serializer, path=""):
    """Yield (path, field) of every field of this serializer, nested serializers and list children included."""
    for name, field in serializer.fields.items():
        yield f"{path}{name}", field
        child = getattr(field, "child", None)
        if isinstance(field, serializers.Serializer):
            yield from _fields(field, f"{path}{name}.")
        elif isinstance(child, serializers.Serializer):
            yield from _fields(child, f"{path}{name}[].")
        elif child is not None:
            yield f"{path}{name}[]", child


@pytest.mark.django_db
def test_no_serializer_takes_text_or_a_boolean_through_a_plain_drf_field():
    classes = _project_serializers()
    offenders = []
    for cls in classes:
        fields = list(_fields(cls()))
        offenders += [f"{cls.__module__}.{cls.__name__}.{path}" for path, field in fields
                      if not field.read_only and isinstance(field, PLAIN) and not isinstance(field, STRICT)]
    assert len(classes) > 50
    assert not offenders


@pytest.mark.parametrize("value", NOT_TEXT)
def test_the_text_field_refuses_what_is_not_a_string(value):
    field = strict.CharField()
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation(value)
    assert [(str(error), error.code) for error in refused.value.detail] == [("不是有效的字符串。", "invalid")]


def test_the_text_fields_read_and_write_strings_as_drf_does():
    assert strict.CharField().run_validation("  耳机  ") == "耳机"
    assert strict.EmailField().run_validation("a@example.com") == "a@example.com"
    assert strict.CharField().to_representation(12) == "12"
    assert strict.ChoiceField(choices=[(1, "one"), (2, "two")]).run_validation(2) == 2
    assert strict.ChoiceField(choices=["low", "high"]).run_validation("high") == "high"
    with pytest.raises(serializers.ValidationError):
        strict.ChoiceField(choices=["low", "12"]).run_validation(12)


def test_the_refusal_speaks_the_request_language():
    with translation.override("en"), pytest.raises(serializers.ValidationError) as refused:
        strict.CharField().run_validation(12)
    assert refused.value.detail == ["Not a valid string."]


def _refused(response, field: str) -> list[str]:
    assert response.status_code == 400, response.content
    return response.json()[field]


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_TEXT[:4])
def test_ticket_create_refuses_a_subject_or_kind_that_is_not_text(api, agent, value):
    customer = CustomerFactory()
    body = {"subject": value, "customer": customer.pk}
    assert _refused(api(agent).post("/api/v1/tickets/", body, format="json", **EN), "subject") == ["Not a valid string."]
    body = {"subject": "发票", "customer": customer.pk, "kind": value}
    assert _refused(api(agent).post("/api/v1/tickets/", body, format="json", **EN), "kind")


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_TEXT[:4])
def test_a_reply_body_that_is_not_text_is_refused(api, agent, team, value):
    ticket = TicketFactory(team=team)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": value}, format="json", **EN)
    assert _refused(response, "body") == ["Not a valid string."]
    assert not ticket.messages.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, 1, "yes", "true"])
def test_a_reply_flag_that_is_not_a_json_boolean_is_refused(api, agent, team, value):
    ticket = TicketFactory(team=team)
    for flag in ["internal", "confirm_language"]:
        response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "您好", flag: value}, format="json", **EN)
        assert _refused(response, flag) == ["Must be a valid boolean."]
    assert not ticket.messages.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["description", "contact_name", "contact_email", "reason"])
def test_return_create_refuses_a_number_where_text_goes(api, agent, field):
    order = delivered_order(lines=((1, "199.00"),))
    body = {"order": order.pk, "kind": "return", "reason": "no_reason",
            "items": [{"order_item": order.items.first().pk, "quantity": 1}], field: 12}
    assert _refused(api(agent).post("/api/v1/returns/", body, format="json", **EN), field)
    assert not order.returns.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_TEXT[:4])
def test_customer_update_refuses_a_name_that_is_not_text(api, supervisor, value):
    customer = CustomerFactory(name="王芳")
    response = api(supervisor).patch(f"/api/v1/customers/{customer.pk}/", {"name": value}, format="json", **EN)
    assert _refused(response, "name") == ["Not a valid string."]
    customer.refresh_from_db()
    assert customer.name == "王芳"


def test_the_length_limit_holds_for_the_text_as_sent(api, agent, team):
    from tests.factories import TicketFactory

    ticket = TicketFactory(team=team)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": " " + "好" * 20000, "internal": True},
                               format="json", **EN)
    assert response.status_code == 400 and response.json() == {"body": ["Ensure this field has no more than 20000 characters."]}
