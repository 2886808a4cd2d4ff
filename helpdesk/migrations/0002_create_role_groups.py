"""Create the Agent, Supervisor, Manager and Admin groups with their permissions."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("tickets", "0001_initial"),
        ("customers", "0001_initial"),
        ("orders", "0001_initial"),
        ("kpi", "0001_initial"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
