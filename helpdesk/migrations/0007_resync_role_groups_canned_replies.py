"""Give agents the canned-reply permissions (add, change, delete their own replies) and resync every role."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0006_resync_role_groups"),
        ("tickets", "0008_add_slatimer_first_breached_at"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
