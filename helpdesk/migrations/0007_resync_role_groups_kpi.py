"""Give the Admin role the KPI policy models (settings, scorecard schemes, checklist, report subscriptions)."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0006_resync_role_groups"),
        ("kpi", "0006_default_scorecard_and_checklist"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
