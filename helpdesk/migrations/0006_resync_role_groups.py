"""Give the role groups every permission the tickets, customers and orders apps added."""

from django.db import migrations

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0005_calendar_permissions"),
        ("tickets", "0007_ticket_event_kinds_sla_and_workspace"),
        ("customers", "0005_customer_tags_gin_index"),
        ("orders", "0003_default_return_policy"),
        ("kpi", "0001_initial"),
    ]

    operations = [migrations.RunPython(role_groups_sync, migrations.RunPython.noop)]
