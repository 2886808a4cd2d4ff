"""Ship the default SLA policies of DOMAIN.md §2–3 and give admins the SLA permissions."""

from django.db import migrations

from helpdesk.roles import role_groups_sync

BH, BD, BM = "business_hours", "business_days", "business_minutes"
# (position, name, conditions, calendar code, first response, next response, resolution, breach actions)
POLICIES = [
    (10, "紧急投诉 Urgent complaints", {"kind": "complaint", "priority": "urgent"}, "china-back-office",
     (1, BH), (1, BH), (1, BD), {"move_to_supervisor": True}),
    (20, "在线客服投诉 Chat complaints", {"kind": "complaint", "channel": "chat"}, "online-service",
     (1, BM), (3, BM), (3, BD), {"raise_priority": True}),
    (30, "投诉 Complaints", {"kind": "complaint"}, "china-back-office",
     (4, BH), (4, BH), (3, BD), {"raise_priority": True}),
    (40, "在线客服 Online chat", {"channel": "chat"}, "online-service",
     (1, BM), (3, BM), (None, BD), {}),
    (50, "其他渠道 E-mail, web, phone, social, marketplace", {}, "china-back-office",
     (4, BH), (4, BH), (5, BD), {}),
]


def seed(apps, schema_editor):
    SLAPolicy = apps.get_model("tickets", "SLAPolicy")
    BusinessCalendar = apps.get_model("helpdesk", "BusinessCalendar")
    calendars = {c.code: c for c in BusinessCalendar.objects.all()}
    for position, name, conditions, calendar, first, nxt, resolution, actions in POLICIES:
        if SLAPolicy.objects.filter(name=name).exists() or calendar not in calendars:
            continue
        SLAPolicy.objects.create(
            position=position, name=name, calendar=calendars[calendar], **conditions, **actions,
            first_response_value=first[0], first_response_unit=first[1],
            next_response_value=nxt[0], next_response_unit=nxt[1],
            resolution_value=resolution[0], resolution_unit=resolution[1],
        )


def unseed(apps, schema_editor):
    apps.get_model("tickets", "SLAPolicy").objects.filter(name__in=[p[1] for p in POLICIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_add_sla_policies_timers_notifications"),
        ("helpdesk", "0005_calendar_permissions"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
