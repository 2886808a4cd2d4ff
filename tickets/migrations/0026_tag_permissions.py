"""Give the roles the tag permissions: agents read tags, supervisors create them, admins manage them."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0025_add_tags"),
        # Its role sync sets each group's permissions exactly: after every app's models exist.
        ("channels", "0002_quarantined_email"),
        ("chat", "0003_agentpresence_auto_away_at"),
        ("customers", "0014_add_piireveal_message"),
        ("followups", "0003_add_sms_templates_and_message_delivery"),
        ("helpdesk", "0013_add_calendar_year_entries_and_alerts"),
        ("kpi", "0012_add_service_language_indicator"),
        ("knowledge", "0003_articleevent_kinds"),
        ("orders", "0008_add_returndeadline_provisional_and_extended_days"),
        ("reviews", "0002_bad_review_category_and_sla"),
        ("sla", "0007_notification_kind_article_flag"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
