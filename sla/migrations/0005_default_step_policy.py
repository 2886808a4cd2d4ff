"""Ship the after-sales manual's step deadlines (DOMAIN.md §3) as the default step policy of complaints."""

from django.db import migrations

from helpdesk.roles import role_groups_sync

NAME = "投诉处理时效 Complaint steps"
# Step → (value, unit), counted from intake; the mapping of the manual's timeline is in docs/sla.md.
RULES = [
    ("intake", 24, "calendar_hours"),         # 咨询受理 24 h
    ("classification", 1, "business_days"),  # 故障确认 1 working day
    ("investigation", 2, "business_days"),   # 技术支持 2
    ("solution", 3, "business_days"),        # 方案制定 3
    ("agreement", 3, "business_days"),       # 方案制定 3: the plan is agreed with the customer
    ("execution", 4, "business_days"),       # 方案实施 4
    ("feedback", 5, "business_days"),        # 结果反馈 5 (评估 +1 is the follow-up visit)
]


def seed(apps, schema_editor):
    StepPolicy = apps.get_model("sla", "StepPolicy")
    BusinessCalendar = apps.get_model("helpdesk", "BusinessCalendar")
    calendar = BusinessCalendar.objects.filter(code="china-back-office").first()
    if calendar is None or StepPolicy.objects.filter(name=NAME).exists():
        return
    policy = StepPolicy.objects.create(name=NAME, position=10, kind="complaint", calendar=calendar,
                                       notify_assignee=True, notify_supervisor=True, escalate=True)
    for step, value, unit in RULES:
        policy.rules.create(step=step, value=value, unit=unit)


def unseed(apps, schema_editor):
    apps.get_model("sla", "StepPolicy").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0004_add_step_policies_deadlines"),
        ("tickets", "0020_backfill_ticket_steps"),
        ("helpdesk", "0013_add_calendar_year_entries_and_alerts"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
