"""Benchmark cases of the SLA engine: one sweep with 1,000 due timers among every open ticket's, their checks, one recomputation.

On first use it gives every open ticket a
first-response timer by one ``INSERT … SELECT`` (deadlines spread over the next 30 days) and
makes exactly 1,000 of them due, so the sweep's cost is measured against the full index.
"""

from django.db import connection, transaction

from bench.timing import BenchCase
from sla import services
from sla.models import TicketSLATimer
from sla.tasks import CHECK_CHUNK
from tickets.models import Ticket

DUE = 1000
_state: dict = {}

PREPARE_SQL = [
    # One first-response timer per open ticket, checks spread from 1 hour to 30 days ahead.
    """
    INSERT INTO tickets_ticketslatimer (ticket_id, target, cycle, started_at, due_at, warning_at, next_check_at,
                                        paused_minutes, extended_minutes, is_excused, problem, is_provisional)
    SELECT t.id, 'first_response', 1, t.created_at,
           now() + interval '1 hour' + (t.id %% 43200) * interval '1 minute',
           now() + interval '1 hour' + (t.id %% 43200) * interval '48 seconds',
           now() + interval '1 hour' + (t.id %% 43200) * interval '48 seconds',
           0, 0, false, '', false
    FROM tickets_ticket t
    WHERE t.status NOT IN ('resolved', 'closed')
    ON CONFLICT (ticket_id, target) DO NOTHING
    """,
    # Earlier runs left timers checked or due: push them back into the future.
    """
    UPDATE tickets_ticketslatimer
    SET warned_at = NULL, breached_at = NULL, met_at = NULL,
        warning_at = now() + interval '1 hour' + (ticket_id %% 43200) * interval '48 seconds',
        due_at = now() + interval '1 hour' + (ticket_id %% 43200) * interval '1 minute',
        next_check_at = now() + interval '1 hour' + (ticket_id %% 43200) * interval '48 seconds'
    WHERE next_check_at IS NULL OR next_check_at < now() + interval '30 minutes'
    """,
    # Exactly DUE timers come due now (warning passed, deadline passed).
    """
    UPDATE tickets_ticketslatimer SET warning_at = now() - interval '2 minutes', due_at = now() - interval '1 minute',
                                      next_check_at = now() - interval '2 minutes'
    WHERE id IN (SELECT id FROM tickets_ticketslatimer WHERE next_check_at IS NOT NULL ORDER BY id LIMIT %s)
    """,
    "ANALYZE tickets_ticketslatimer",
]


def _prepare() -> None:
    """Create the timers once per run and make exactly ``DUE`` of them due."""
    if _state:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in PREPARE_SQL:
            cursor.execute(statement, [DUE] if "%s" in statement else [])
    _state["due_ids"] = list(
        TicketSLATimer.objects.filter(next_check_at__isnull=False).order_by("next_check_at")
        .values_list("id", flat=True)[:DUE]
    )
    ticket = Ticket.objects.exclude(status__in=services.DONE_STATUSES).filter(channel="email").select_related("customer").first()
    _state["ticket"] = ticket
    _state["open_timers"] = TicketSLATimer.objects.filter(next_check_at__isnull=False).count()


def sweep_once() -> int:
    """Run one sweep: select the due timers by range and enqueue one check each."""
    _prepare()
    found = services.sla_timer_sweep_due()
    if found != DUE:
        raise AssertionError(f"expected {DUE} due timers, the sweep found {found}")
    return found


def check_one() -> None:
    """Record the breach of the next due timer (one task's work)."""
    _prepare()
    timer_id = _state["due_ids"].pop()
    services.sla_timer_check(timer_id=timer_id)


def batch_due() -> None:
    """Make the batch's 1,000 timers due again, in a new cycle (so they warn, breach and notify anew); not timed."""
    _prepare()
    if "batch_ids" not in _state:
        # One timer each of 1,000 tickets: a breach may raise its ticket's priority and so move its other deadlines.
        due_tickets = TicketSLATimer.objects.filter(pk__in=_state["due_ids"]).values("ticket_id")
        _state["batch_ids"] = list(TicketSLATimer.objects.filter(next_check_at__isnull=False)
                                   .exclude(ticket_id__in=due_tickets).order_by("-ticket_id", "-id")
                                   .distinct("ticket_id").values_list("id", flat=True)[:DUE])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            UPDATE tickets_ticketslatimer SET warned_at = NULL, breached_at = NULL, met_at = NULL, paused_at = NULL,
                   cycle = cycle + 1,
                   warning_at = now() - interval '2 minutes', due_at = now() - interval '1 minute',
                   next_check_at = now() - interval '2 minutes'
            WHERE id = ANY(%s)""", [_state["batch_ids"]])


def batch_check() -> int:
    """Check the 1,000 due timers as the workers do, in the sweep's chunks: each breach recorded and notified."""
    ids = _state["batch_ids"]
    recorded = sum(services.sla_timer_check_many(timer_ids=ids[start:start + CHECK_CHUNK])
                   for start in range(0, len(ids), CHECK_CHUNK))
    if recorded != len(ids):
        raise AssertionError(f"expected {len(ids)} breaches, the checks recorded {recorded}")
    return recorded


def recompute_one() -> None:
    """Recompute one open ticket's deadlines, as after a status or priority change."""
    _prepare()
    with transaction.atomic():
        services.ticket_sla_refresh(ticket=_state["ticket"])


BENCH_CASES = [
    BenchCase(f"SLA sweep: {DUE} due timers among every open ticket's", "", call=sweep_once, repeat=10),
    BenchCase("SLA recompute one ticket's deadlines", "", call=recompute_one, repeat=200),
    BenchCase("SLA check one due timer (breach + notifications)", "", call=check_one, repeat=50),
    BenchCase(f"SLA: {DUE} due timers checked, recorded and notified (worker time, chunks of {CHECK_CHUNK})", "",
              call=batch_check, setup=batch_due, repeat=5),
    BenchCase("SLA at-risk page GET /sla/at-risk/ (supervisor)", "/sla/at-risk/", username="supervisor", repeat=20),
]


def data_size() -> str:
    return f"{Ticket.objects.count():,} tickets, {TicketSLATimer.objects.filter(next_check_at__isnull=False).count():,} running timers"
