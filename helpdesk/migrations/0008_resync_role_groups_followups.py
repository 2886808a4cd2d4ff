"""Give the role groups the follow-up visit and survey permissions."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0007_resync_role_groups_kpi"),
        ("customers", "0007_seed_followup_rules_questions"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
