"""Benchmark cases of follow-ups: the pages read many times, the public survey page and the agent's list.

The sweep writes, so it is timed by its own command (``python -m bench followup-sweep``).
"""

import datetime as dt

from django.utils import timezone

from bench.timing import BenchCase

_ready: dict = {}


def _agent_visits() -> None:
    """Give the demo agent 60 visits to do (some overdue), once per database."""
    if "visits" in _ready:
        return
    from followups.models import FollowUpVisit
    from helpdesk.models import User

    agent = User.objects.get(username="agent")
    if not FollowUpVisit.objects.filter(assignee=agent).exists():
        ids = list(FollowUpVisit.objects.filter(status="pending", kind="call").order_by("pk").values_list("pk", flat=True)[:60])
        FollowUpVisit.objects.filter(pk__in=ids).update(assignee=agent, due_at=timezone.now() - dt.timedelta(hours=30))
    _ready["visits"] = True


def _survey_path() -> str:
    if "survey" not in _ready:
        from customers.models import Customer
        from followups import services, tokens

        customer = Customer.objects.order_by("pk").first()
        survey = services.survey_create(customer=customer, language="zh-hans")
        survey.expires_at = timezone.now() + dt.timedelta(days=3650)
        survey.save(update_fields=["expires_at"])
        _ready["survey"] = f"/s/{tokens.survey_token(survey)}/"
    return _ready["survey"]


BENCH_CASES = [
    BenchCase("followups: public survey page (anonymous)", _survey_path, username=None),
    BenchCase("followups: my follow-ups today (agent, 60 due)", lambda: _agent_visits() or "/follow-ups/"),
    BenchCase("followups: GET /api/v1/followups/?assignee=me", lambda: _agent_visits() or "/api/v1/followups/?assignee=me&status=pending"),
]


def data_size() -> str:
    from followups.models import FollowUpVisit

    return f"{FollowUpVisit.objects.count():,} visits"
