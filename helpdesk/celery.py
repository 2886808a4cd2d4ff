"""The Celery app and the one static beat schedule."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, worker_process_init

from helpdesk.collector import collector_settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task lives here; policies (SLA targets, visit rules) live in models.
app.conf.beat_schedule = {
    # From 1 October: tell the admins once that next year's holiday schedule is still provisional.
    "provisional-year-alert": {
        "task": "helpdesk.provisional_year_alert_send",
        "schedule": crontab(minute=0, hour=9),
        "options": {"expires": 3000},
    },
    "calendar-year-entry-sweep-stalled": {
        "task": "helpdesk.calendar_year_entry_sweep_stalled",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    "helpdesk-heartbeat": {
        "task": "helpdesk.heartbeat_record",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Cost follows the number of due SLA timers, not of open tickets (indexed next_check_at range).
    "tickets-sla-sweep": {
        "task": "tickets.sla_timer_sweep_due",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    # Complaint step deadlines are swept like the SLA timers (indexed next_check_at range).
    "sla-step-deadline-sweep": {
        "task": "sla.step_deadline_sweep_due",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    # Department tasks' due times: warning, overdue, escalation to the lead (indexed next_check_at range).
    "sla-internal-task-sweep": {
        "task": "sla.internal_task_sweep_due",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Agents whose chat inbox went silent become away; their chats return to the queue.
    "tickets-chat-presence-sweep": {
        "task": "tickets.agent_presence_sweep_stale",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Waiting chats whose visitor left (no stream open, no message) end and leave the queue.
    "chat-sweep-abandoned": {
        "task": "chat.chat_sweep_abandoned",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "orders-return-deadline-sweep-due": {
        "task": "orders.return_deadline_sweep_due",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Facts of tickets changed since the last run; dashboards aggregate them in SQL.
    "kpi-ticket-facts-sweep-changed": {
        "task": "kpi.ticket_facts_sweep_changed",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # 客服信息日报表 after midnight for yesterday, 月报 on the 1st for last month (Asia/Shanghai).
    "kpi-report-daily": {
        "task": "kpi.report_schedule",
        "schedule": crontab(minute=30, hour=0),
        "args": ("daily",),
        "options": {"expires": 3600},
    },
    "kpi-report-monthly": {
        "task": "kpi.report_schedule",
        "schedule": crontab(minute=0, hour=1, day_of_month=1),
        "args": ("monthly",),
        "options": {"expires": 3600},
    },
    # The daily rollups again from the facts and reviews: whatever a sweep missed (a deleted review, a bulk load).
    "kpi-rollups-reconcile": {
        "task": "kpi.rollups_reconcile",
        "schedule": crontab(minute=5, hour=1),
        "options": {"expires": 3600},
    },
    "kpi-scorecards-compute-recent": {
        "task": "kpi.scorecards_compute_recent",
        "schedule": crontab(minute=15, hour=1),
        "options": {"expires": 3600},
    },
    # Quarter and year cards roll up the monthly cards computed just before.
    "kpi-period-scorecards-compute-recent": {
        "task": "kpi.period_scorecards_compute_recent",
        "schedule": crontab(minute=45, hour=1),
        "options": {"expires": 3600},
    },
    "orders-return-request-sweep-unconfirmed": {
        "task": "orders.return_request_sweep_unconfirmed",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Follow-up visits: due sources found by indexed time windows; each visit is created once (unique key).
    "customers-visit-sweep-due": {
        "task": "customers.visit_sweep_due",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "customers-visit-sweep-messages-due": {
        "task": "customers.visit_sweep_messages_due",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Outbound work whose task was lost (Redis down when it was saved, or back empty; a worker killed): rows
    # still queued or pending after helpdesk.enqueue.SWEEP_GRACE get their task again; each is done once.
    "tickets-ticket-email-sweep-queued": {
        "task": "tickets.ticket_email_sweep_queued",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "customers-message-sweep-queued": {
        "task": "customers.message_sweep_queued",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "customers-customer-import-sweep-pending": {
        "task": "customers.customer_import_sweep_pending",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "orders-order-import-sweep-pending": {
        "task": "orders.order_import_sweep_pending",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "kpi-report-sweep-pending": {
        "task": "kpi.report_sweep_pending",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Waiting tickets of automatically routed teams whose announcement was lost, or that waited for room.
    "routing-ticket-sweep-unassigned": {
        "task": "routing.ticket_sweep_unassigned",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Polls only mailboxes an admin configured with an IMAP host; nothing to do otherwise.
    "tickets-mailbox-sweep": {
        "task": "tickets.mailbox_sweep",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
}


@worker_process_init.connect
def worker_collector_settle(**kwargs):
    """Set the garbage collector of each worker process once it has started (helpdesk.collector)."""
    collector_settle()


@beat_init.connect
def beat_send_first_heartbeat(sender, **kwargs):
    """Send a heartbeat as soon as beat starts, so /healthz is green without waiting a full interval."""
    sender.app.send_task("helpdesk.heartbeat_record", expires=25)
