"""Relabelling the content types of models that moved to another app keeps every permission and grant."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from helpdesk.content_types import content_types_move
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_content_type_cache():
    yield
    ContentType.objects.clear_cache()  # the rows the test changed are rolled back


def _old_rows(model: str) -> tuple[ContentType, Permission]:
    """Put the database back to before the move: the model's content type and a permission under ``tickets``."""
    current = ContentType.objects.get(app_label="sla", model=model)
    current.app_label = "tickets"
    current.save(update_fields=["app_label"])
    return current, Permission.objects.get(content_type=current, codename=f"view_{model}")


def test_a_moved_model_keeps_its_content_type_row_and_grants():
    content_type, permission = _old_rows("slapolicy")
    group = Group.objects.create(name="Policy readers")
    group.permissions.add(permission)

    content_types_move(apps, models=["slapolicy"], from_label="tickets", to_label="sla", using="default")

    content_type.refresh_from_db()
    assert content_type.app_label == "sla"
    assert list(Group.objects.get(name="Policy readers").permissions.all()) == [permission]
    assert not ContentType.objects.filter(app_label="tickets", model="slapolicy").exists()


def test_rows_already_made_under_the_new_label_hand_over_their_grants_and_go():
    content_type, permission = _old_rows("slapolicy")
    early = ContentType.objects.create(app_label="sla", model="slapolicy")
    early_view = Permission.objects.create(content_type=early, codename="view_slapolicy", name="Can view SLA policy")
    early_only = Permission.objects.create(content_type=early, codename="audit_slapolicy", name="Can audit")
    user = UserFactory()
    user.user_permissions.add(early_view, early_only)

    content_types_move(apps, models=["slapolicy"], from_label="tickets", to_label="sla", using="default")

    assert ContentType.objects.get(app_label="sla", model="slapolicy").pk == content_type.pk
    assert not ContentType.objects.filter(pk=early.pk).exists()
    assert set(user.user_permissions.values_list("pk", flat=True)) == {permission.pk, early_only.pk}
    assert Permission.objects.get(pk=early_only.pk).content_type_id == content_type.pk


def test_a_new_database_has_nothing_to_relabel():
    content_types_move(apps, models=["no_such_model"], from_label="tickets", to_label="sla", using="default")
    assert not ContentType.objects.filter(model="no_such_model").exists()
