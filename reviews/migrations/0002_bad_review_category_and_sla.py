"""Ship the 差评 category, its SLA policy (first contact within 2 business hours) and the review permissions."""

from django.db import migrations

from helpdesk.roles import role_groups_sync

CATEGORY = ("bad-review", "差评", 50)
POLICY = "差评 Negative reviews"


def seed(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    SLAPolicy = apps.get_model("sla", "SLAPolicy")
    BusinessCalendar = apps.get_model("helpdesk", "BusinessCalendar")
    code, name, position = CATEGORY
    category, _created = Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    calendar = BusinessCalendar.objects.filter(code="china-back-office").first()
    if calendar is None or SLAPolicy.objects.filter(name=POLICY).exists():
        return
    SLAPolicy.objects.create(
        name=POLICY, position=15, kind="complaint", category=category, calendar=calendar, raise_priority=True,
        first_response_value=2, first_response_unit="business_hours",
        next_response_value=4, next_response_unit="business_hours",
        resolution_value=3, resolution_unit="business_days")


def unseed(apps, schema_editor):
    apps.get_model("sla", "SLAPolicy").objects.filter(name=POLICY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("tickets", "0022_ticketevent_kinds_steps_and_tracker"),
        ("sla", "0007_notification_kind_article_flag"),
        ("helpdesk", "0013_add_calendar_year_entries_and_alerts"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
