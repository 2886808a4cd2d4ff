"""Join the sign-in throttle and the apps of their own; give the role groups every moved permission under its new app label."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0010_resync_role_groups_sla"),
        ("helpdesk", "0011_add_loginfailure"),
        ("chat", "0001_chat_models_from_tickets"),
        ("channels", "0001_channel_models_from_tickets"),
        ("tickets", "0014_channel_models_to_channels"),
        ("followups", "0001_followup_models_from_customers"),
    ]

    # Both parents changed the role permissions: sync once more with everything in place.
    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
