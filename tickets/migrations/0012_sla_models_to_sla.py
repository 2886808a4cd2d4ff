"""The SLA models now belong to the sla app (its 0001 takes them over); their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_merge_parallel_work"),
        ("sla", "0001_sla_models_from_tickets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Models that point at others go first.
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="TicketSLATimer"),
                migrations.DeleteModel(name="TicketSLA"),
                migrations.DeleteModel(name="SLAPolicy"),
            ],
        ),
    ]
