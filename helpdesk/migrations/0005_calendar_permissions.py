"""Give the Admin role the business-calendar permissions."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0004_seed_business_calendars")]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
