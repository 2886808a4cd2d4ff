"""Follow-up demo data: visits due, overdue and done, answered surveys (one with a low score), a message sent."""

from datetime import timedelta

from django.utils import timezone

from followups import services
from followups.models import CustomerMessage, FollowUpRule, FollowUpVisit, SurveyResponse
from followups.tokens import survey_token, survey_url
from tickets.models import Ticket


def demo_followups_load(context: dict) -> None:
    """Add follow-up visits (due, overdue, done), surveys with a response and a low score, and a message sent."""
    users, teams, customers = context["users"], context["teams"], context["customers"]
    FollowUpRule.objects.filter(team__isnull=True, trigger__in=["order_delivered", "return_closed", "exchange_closed",
                                                                "complaint_resolved", "monthly"]).update(team=teams["aftersales"])
    services.visit_sweep_due()
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    script = "您好，我是售前客服李娜，想了解一下您最近购物的体验，商品和服务是否满意？有什么建议吗？"
    plan = [
        (3, users["agent"], today - timedelta(days=1, hours=-5), "pending", ""),
        (1, users["agent"], min(now - timedelta(minutes=30), today + timedelta(hours=8)), "pending", ""),
        (4, users["agent"], max(now + timedelta(hours=1), today), "pending", ""),
        (6, None, now - timedelta(hours=2), "pending", ""),
        (7, users["agent"], now - timedelta(days=2), "done", "reached"),
    ]
    for index, assignee, due, status, outcome in plan:
        customer = customers[index]
        FollowUpVisit.objects.get_or_create(
            rule=None, source_type=FollowUpVisit.SourceType.CUSTOMER, source_id=customer.pk, period="demo",
            defaults={"customer": customer, "kind": "call", "channel": "phone", "team": teams["presales"],
                      "assignee": assignee, "due_at": due, "status": status, "outcome": outcome, "script": script,
                      "satisfaction": 5 if outcome else None, "completed_at": now - timedelta(days=2) if outcome else None,
                      "completed_by": assignee if outcome else None, "attempts": 1 if outcome else 0},
        )
    if not SurveyResponse.objects.exists():
        tickets = list(Ticket.objects.filter(customer__in=customers).exclude(assignee=None).order_by("pk")[:2])
        for ticket, overall, comment in zip(tickets, (4, 2), ("处理很及时，谢谢", "等了三天才有人回复")):
            survey = services.survey_create(customer=ticket.customer, ticket=ticket)
            services.survey_respond(token=survey_token(survey), overall=overall, comment=comment,
                                    answers={"efficiency": overall, "professionalism": min(overall + 1, 5), "accuracy": overall})
    if not CustomerMessage.objects.exists():
        survey = services.survey_create(customer=customers[0], order=context["orders"][0] if context.get("orders") else None,
                                        team=teams["presales"], agent=users["agent"])
        services.message_send(customer=customers[0], channel="sms",
                              body=f"{customers[0].name}您好，请为我们的服务打分：{survey_url(survey)}")
