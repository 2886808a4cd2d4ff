from django.db import migrations

from helpdesk.roles import role_groups_sync

CARRIERS = [("sf", "顺丰速运"), ("jd", "京东物流"), ("zto", "中通快递"), ("yto", "圆通速递"), ("ems", "中国邮政 EMS")]


def defaults_create(apps, schema_editor):
    """Ship the DOMAIN.md §4 return policy and the common carriers."""
    ReturnPolicy = apps.get_model("orders", "ReturnPolicy")
    Carrier = apps.get_model("orders", "Carrier")
    BusinessCalendar = apps.get_model("helpdesk", "BusinessCalendar")
    if not ReturnPolicy.objects.exists():
        calendar = BusinessCalendar.objects.filter(code="china-back-office").first()
        ReturnPolicy.objects.create(name="默认退换货政策", is_active=True, calendar=calendar)
    for code, name in CARRIERS:
        Carrier.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0002_returns_policy_deadlines"),
        ("helpdesk", "0005_calendar_permissions"),
    ]

    operations = [
        migrations.RunPython(defaults_create, migrations.RunPython.noop),
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
