"""The follow-up sweep's insert: the visits of one chunk in one ``INSERT … SELECT FROM unnest(arrays)``.

``bulk_create`` spends three times as long building the SQL of a 10,000-row chunk as this statement
takes to run; the sweep writes up to 20,000 visits a chunk.
"""

from django.db import connection

from followups.models import FollowUpVisit

# Columns written by the sweep; the others keep their defaults (empty outcome, no completion).
COLUMNS = [("rule_id", "bigint"), ("source_type", "varchar"), ("source_id", "bigint"), ("period", "varchar"),
           ("customer_id", "bigint"), ("order_id", "bigint"), ("return_request_id", "bigint"), ("ticket_id", "bigint"),
           ("kind", "varchar"), ("channel", "varchar"), ("status", "varchar"), ("skip_reason", "varchar"),
           ("due_at", "timestamptz"), ("team_id", "bigint"), ("assignee_id", "bigint"), ("handler_id", "bigint"),
           ("script", "text"), ("source_at", "timestamptz"), ("is_provisional", "boolean")]


def visits_insert(visits: list[FollowUpVisit]) -> int:
    """Insert the visits, skipping any whose (rule, source, period) exists (ON CONFLICT DO NOTHING); return how many."""
    if not visits:
        return 0
    names = ", ".join(name for name, _kind in COLUMNS)
    arrays = ", ".join(f"%s::{kind}[]" for _name, kind in COLUMNS)
    sql = (f"INSERT INTO {FollowUpVisit._meta.db_table} ({names}, attempts, outcome, notes, created_at) "
           f"SELECT *, 0, '', '', now() FROM unnest({arrays}) "
           "ON CONFLICT (rule_id, source_type, source_id, period) DO NOTHING RETURNING id")
    params = [[getattr(visit, name) for visit in visits] for name, _kind in COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = len(cursor.fetchall())
        if written >= 1000:
            # Fresh statistics, so the next sweep's anti-join is a hash join and not a nested loop over stale counts.
            cursor.execute(f"ANALYZE {FollowUpVisit._meta.db_table}")
    return written
