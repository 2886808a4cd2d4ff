"""Give the roles the department-task permissions: managers see every department's tasks, admins map departments."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0028_internal_task_departments"),
        # Its role sync sets each group's permissions exactly: after every app's models exist.
        ("channels", "0002_quarantined_email"),
        ("chat", "0004_add_chat_language_hits"),
        ("customers", "0014_add_piireveal_message"),
        ("followups", "0003_add_sms_templates_and_message_delivery"),
        ("helpdesk", "0014_calendar_year_entry_kind"),
        ("kpi", "0014_add_training_completion_indicator"),
        ("knowledge", "0004_add_training"),
        ("orders", "0008_add_returndeadline_provisional_and_extended_days"),
        ("reviews", "0002_bad_review_category_and_sla"),
        ("routing", "0002_routing_permissions"),
        ("sla", "0008_internal_task_departments"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
