"""Follow-up visits, surveys and customer messages belong to the followups app (its 0001 takes them over).

Only the migration state changes: the tables stay as they are, under their ``customers_…`` names.
"""

from django.db import migrations

# Models that point at another one of the list go first.
MOVED = ["CustomerMessage", "SurveyResponse", "Survey", "FollowUpEvent", "FollowUpVisit", "FollowUpRule",
         "SurveyQuestion", "FollowUpSettings"]


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0012_add_customermessage_queued_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        ),
    ]
