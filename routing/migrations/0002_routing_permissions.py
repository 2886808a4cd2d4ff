"""Give the admin role the permissions to edit team routing and agents' routing profiles."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
