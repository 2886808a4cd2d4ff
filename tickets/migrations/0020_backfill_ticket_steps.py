"""Record the complaint steps tickets already reached, from their event history (the first event of each step)."""

from django.db import migrations

# (step, event condition): what completed each step before steps were stored.
STEP_EVENTS = [
    ("intake", "e.kind = 'created'"),
    ("classification", "e.kind = 'category' AND e.to_value <> ''"),
    ("investigation", "e.kind IN ('note', 'task') OR (e.kind = 'status' AND e.to_value = 'pending_internal')"),
    ("solution", "e.kind = 'remedy'"),
    ("agreement", "e.kind = 'remedy_agreed'"),
    ("execution", "e.kind = 'remedy_done'"),
    ("feedback", "e.kind = 'status' AND e.to_value IN ('resolved', 'closed')"),
]
BACKFILL = """
    INSERT INTO tickets_ticketstep (ticket_id, step, completed_at, completed_by_id, source, note)
    SELECT DISTINCT ON (e.ticket_id) e.ticket_id, %s, e.created_at, e.actor_id, e.kind, ''
    FROM tickets_ticketevent e
    WHERE {condition}
    ORDER BY e.ticket_id, e.created_at, e.id
    ON CONFLICT (ticket_id, step) DO NOTHING
"""


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for step, condition in STEP_EVENTS:
            cursor.execute(BACKFILL.format(condition=condition), [step])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0019_add_ticket_steps")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
