"""Give the role groups the SLA permissions under their app label ``sla``."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0009_merge_followups"),
        ("sla", "0001_sla_models_from_tickets"),
        ("tickets", "0012_sla_models_to_sla"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
