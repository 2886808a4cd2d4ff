"""The live chat models now belong to the chat app (its 0001 takes them over); their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0012_sla_models_to_sla"),
        ("chat", "0001_chat_models_from_tickets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Models that point at others go first.
                migrations.DeleteModel(name="ChatEvent"),
                migrations.DeleteModel(name="ChatMessage"),
                migrations.DeleteModel(name="ChatSession"),
                migrations.DeleteModel(name="ChatWidget"),
                migrations.DeleteModel(name="AgentPresence"),
            ],
        ),
    ]
