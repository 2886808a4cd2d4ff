"""The models of the non-chat channels now belong to the channels app (its 0001 takes them over); their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0013_chat_models_to_chat"),
        ("channels", "0001_channel_models_from_tickets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Models that point at others go first.
                migrations.DeleteModel(name="PhoneCall"),
                migrations.DeleteModel(name="TicketEmail"),
                migrations.DeleteModel(name="Mailbox"),
                migrations.DeleteModel(name="RoutingRule"),
            ],
        ),
    ]
