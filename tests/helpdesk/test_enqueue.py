import logging

import pytest
from kombu.exceptions import OperationalError

from channels.models import TicketEmail
from helpdesk.enqueue import enqueue_each, enqueue_on_commit
from tests.factories import CustomerFactory, TicketFactory
from tickets.models import TicketMessage


class Recorder:
    """A stand-in task: records what it was sent, or fails like a broker that is down."""

    name = "tests.recorder"

    def __init__(self, *, broker_down=False, fail_after=None):
        self.sent, self.broker_down, self.fail_after = [], broker_down, fail_after

    def delay(self, **kwargs):
        if self.broker_down or (self.fail_after is not None and len(self.sent) >= self.fail_after):
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append(kwargs)


@pytest.mark.django_db
def test_a_broker_outage_after_commit_is_logged_not_raised(django_capture_on_commit_callbacks, caplog):
    task = Recorder(broker_down=True)
    with caplog.at_level(logging.WARNING, logger="helpdesk.enqueue"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            enqueue_on_commit(task, email_id=7)
    assert len(callbacks) == 1 and task.sent == []
    assert "tests.recorder({'email_id': 7}) not sent" in caplog.text


@pytest.mark.django_db
def test_a_reply_saved_while_the_broker_is_down_answers_as_saved(client_for, agent, team, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from channels import tasks

    ticket = TicketFactory(team=team, channel="email", customer=CustomerFactory(email="wang@example.com"))
    monkeypatch.setattr(tasks.ticket_email_send, "delay", Recorder(broker_down=True).delay)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(agent).post(f"/tickets/{ticket.pk}/reply/", {"body": "您好，已为您处理。",
                                                                           "confirm_language": "True"})
    assert response.status_code == 302 and callbacks
    assert ticket.messages.filter(sender=TicketMessage.Sender.AGENT).count() == 1
    assert TicketEmail.objects.get(ticket=ticket).status == TicketEmail.Status.QUEUED  # left to its sweeper


def test_fan_out_stops_at_the_first_broker_failure_and_counts_what_went():
    task = Recorder(fail_after=2)
    assert enqueue_each(task, "report_id", [1, 2, 3, 4]) == 2
    assert task.sent == [{"report_id": 1}, {"report_id": 2}]


SWEEPERS = {
    "tickets.ticket_email_sweep_queued": "tickets.ticket_email_send",
    "customers.message_sweep_queued": "customers.message_deliver",
    "customers.customer_import_sweep_pending": "customers.customer_import_run",
    "orders.order_import_sweep_pending": "orders.order_import_run",
    "kpi.report_sweep_pending": "kpi.report_build",
}


def test_every_sweeper_is_in_the_one_beat_schedule_and_expires_before_its_next_run():
    from helpdesk.celery import app

    scheduled = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    for sweeper, task in SWEEPERS.items():
        entry = scheduled[sweeper]
        assert entry["options"]["expires"] < entry["schedule"], sweeper
        assert sweeper in app.tasks and task in app.tasks


def test_a_task_in_flight_on_a_killed_worker_comes_back_within_minutes():
    from helpdesk.celery import app

    options = app.conf.broker_transport_options
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert 120 < options["visibility_timeout"] <= 600  # past the longest countdown (2 min), well short of an hour
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 30
    assert options["max_retries"] == 0  # publishing never waits on a broker that is down
