"""The SLA refresh's read: a ticket's timers with its SLA state and the policy fingerprint, in one statement.

Every ticket change refreshes its SLA timers; reading the state, the policies and the timers separately
took four queries. The fingerprint (every policy's id and row version ``xmin``, its calendar's revision,
which no model field holds) tells whether the process's cached policies are still current, so any
insert, update or delete of a policy, by admin, migration or shell, is seen on the next refresh.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from sla.models import SLAPolicy, TicketSLA, TicketSLATimer

_TABLES = {"policy": SLAPolicy._meta.db_table, "calendar": SLAPolicy.calendar.field.related_model._meta.db_table,
           "state": TicketSLA._meta.db_table, "timer": TicketSLATimer._meta.db_table}
FINGERPRINT_SQL = """
    SELECT string_agg(p.id::text || ':' || p.xmin::text || ':' || c.revision::text, ',' ORDER BY p.id)
    FROM {policy} p JOIN {calendar} c ON c.id = p.calendar_id
""".format(**_TABLES)
STATE_COLUMN_SQL = ("SELECT json_build_array(s.policy_id, s.is_held, s.held_reason) FROM {state} s "
                    "WHERE s.ticket_id = {timer}.ticket_id").format(**_TABLES)
STATE_SQL = """
    SELECT s.policy_id, s.is_held, s.held_reason, ({fingerprint})
    FROM (SELECT 1) AS one LEFT JOIN {state} s ON s.ticket_id = %s
""".format(fingerprint=FINGERPRINT_SQL, **_TABLES)


def timers_with_state(ticket_id: int) -> list[TicketSLATimer]:
    """Return the ticket's timers, each with ``sla_state`` ([policy id, is held, held reason] or None) and ``sla_fingerprint``."""
    return list(TicketSLATimer.objects.filter(ticket_id=ticket_id).annotate(
        sla_state=RawSQL(STATE_COLUMN_SQL, ()),
        sla_fingerprint=RawSQL(FINGERPRINT_SQL, ()),
    ))


def state_and_fingerprint(ticket_id: int) -> tuple:
    """Return (policy id, is held, held reason, fingerprint) of a ticket without timers; the first three None without state."""
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL, [ticket_id])
        return cursor.fetchone()
