"""The shared objects every case of the permission matrix reads: two teams, one user per viewer, and
one object of each kind belonging to the first team (售前), the owning team.

The viewers of the matrix are named after their relation to that team: an agent or supervisor of the
owning team, an agent or supervisor of the other team (售后), a manager and an admin who belong to
no team, and an anonymous visitor.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.utils import timezone
from rest_framework.authtoken.models import Token

from helpdesk.roles import Role
from knowledge.services import training_assign
from reviews.models import Review
from tests.factories import (
    CannedReplyFactory,
    ChatWidgetFactory,
    CustomerFactory,
    FollowUpVisitFactory,
    OrderFactory,
    OrderItemFactory,
    TeamFactory,
    TicketFactory,
    TicketMessageFactory,
    UserFactory,
)
from tests.factories.helpdesk import PASSWORD
from tests.factories.knowledge import ArticleFactory, quiz_build
from tests.permissions import factories as f
from tickets.models import SavedView
from tickets.tracking import tracker_token

ANONYMOUS = "anonymous"
AGENT_OWN = "agent-own-team"
AGENT_OTHER = "agent-other-team"
SUPERVISOR_OWN = "supervisor-own-team"
SUPERVISOR_OTHER = "supervisor-other-team"
MANAGER = "manager"
ADMIN = "admin"
VIEWERS = (ANONYMOUS, AGENT_OWN, AGENT_OTHER, SUPERVISOR_OWN, SUPERVISOR_OTHER, MANAGER, ADMIN)

OWN_SHOP, OTHER_SHOP, UNSERVED_SHOP = "pm-shop-presales", "pm-shop-aftersales", "pm-shop-unserved"

# Signed links carry these salts; links already sent to customers keep them whichever module signs.
SUPPORT_DONE_SALT = "tickets.support.done"
PUBLIC_ORDER_SALT = "orders.public-order"
PUBLIC_RETURN_SALT = "orders.public-return"
SURVEY_SALT = "customers.survey"


class World:
    """The shared objects, as attributes; ``users`` and ``tokens`` are keyed by viewer."""

    password = PASSWORD

    def __getattr__(self, name):
        raise AttributeError(f"the shared objects have no {name!r}")


def world_build(*, webhook_secret: str) -> World:
    """Create the teams, the viewers and one object of every kind belonging to the owning team."""
    w = World()
    w.webhook_secret = webhook_secret
    w.team = TeamFactory(name="售前矩阵", code="pm-presales")
    w.other_team = TeamFactory(name="售后矩阵", code="pm-aftersales")
    agent = UserFactory(username="pm-agent", role=Role.AGENT, teams=[w.team])
    other_agent = UserFactory(username="pm-agent-other", role=Role.AGENT, teams=[w.other_team])
    supervisor = UserFactory(username="pm-supervisor", role=Role.SUPERVISOR, teams=[w.team])
    other_supervisor = UserFactory(username="pm-supervisor-other", role=Role.SUPERVISOR, teams=[w.other_team])
    for team, lead in ((w.team, supervisor), (w.other_team, other_supervisor)):
        team.supervisor = lead
        team.save(update_fields=["supervisor"])
    manager = UserFactory(username="pm-manager", role=Role.MANAGER)
    admin = UserFactory(username="pm-admin", role=Role.ADMIN, is_staff=True)
    w.users = {AGENT_OWN: agent, AGENT_OTHER: other_agent, SUPERVISOR_OWN: supervisor,
               SUPERVISOR_OTHER: other_supervisor, MANAGER: manager, ADMIN: admin}
    w.tokens = {viewer: Token.objects.create(user=user).key for viewer, user in w.users.items()}
    w.agent = agent
    f.ShopTeamFactory(shop=OWN_SHOP, team=w.team)
    f.ShopTeamFactory(shop=OTHER_SHOP, team=w.other_team)

    # Customers, orders and tickets of the owning team.
    w.customer = CustomerFactory(name="王小明", phone="13800138000", email="wang@example.com", has_survey_consent=True)
    w.duplicate = CustomerFactory(name="王小明", phone="13800138001", email="wang.dup@example.com")
    w.order = OrderFactory(customer=w.customer, shop=OWN_SHOP, delivered_at=timezone.now() - dt.timedelta(days=2),
                           placed_at=timezone.now() - dt.timedelta(days=4), payment_method="alipay",
                           total_amount=Decimal("3980.00"))  # its one line: 20 × 199.00
    w.order_item = OrderItemFactory(order=w.order, quantity=20)
    # A shop no team serves: every agent sees its orders.
    w.open_order = OrderFactory(customer=w.customer, shop=UNSERVED_SHOP, delivered_at=timezone.now() - dt.timedelta(days=2),
                                placed_at=timezone.now() - dt.timedelta(days=4), payment_method="alipay",
                                total_amount=Decimal("398.00"))  # its one line: 2 × 199.00
    w.open_order_item = OrderItemFactory(order=w.open_order, quantity=2)
    w.ticket = TicketFactory(team=w.team, customer=w.customer, order=w.order, status="open", kind="complaint")
    w.ticket_url = f"/tickets/{w.ticket.pk}/"  # the global search links it only for those who see the ticket
    w.merge_target = TicketFactory(team=w.team, customer=w.customer, status="open")
    w.message = TicketMessageFactory(ticket=w.ticket)
    w.attachment = f.AttachmentFactory(ticket=w.ticket, message=w.message, uploaded_by=agent)
    w.task = f.InternalTaskFactory(ticket=w.ticket, team=w.team, created_by=agent)  # routed to the owning team
    w.remedy_to_approve = f.RemedyFactory(ticket=w.ticket, kind="compensation", amount=Decimal("1000.00"),
                                          status="awaiting_approval", proposed_by=agent)
    w.remedy_approved = f.RemedyFactory(ticket=w.ticket, status="approved", proposed_by=agent)
    w.remedy_agreed = f.RemedyFactory(ticket=w.ticket, status="agreed", proposed_by=agent,
                                      agreed_at=timezone.now())
    w.notification = f.NotificationFactory(recipient=agent, ticket=w.ticket)
    w.saved_view = SavedView.objects.create(user=agent, name="处理中", query="status=open")
    w.canned_reply = CannedReplyFactory(team=w.team, created_by=supervisor)

    # Live chat on the owning team's widget: one waiting, one the team's agent is in.
    w.widget = ChatWidgetFactory(team=w.team, key="pm-shop")
    w.chat_waiting = f.ChatSessionFactory(widget=w.widget, customer=w.customer)
    w.chat_active = f.ChatSessionFactory(widget=w.widget, customer=w.customer, status="active", agent=agent,
                                         accepted_at=timezone.now(), last_seq=1)
    w.chat_image = f.ChatMessageFactory(session=w.chat_active, seq=1, body="", image=f.png_file("chat.png"),
                                        image_type="image/png")

    # Returns of the owning team's order, one in each state an action starts from.
    def ret(status, kind="return", **fields):
        request = f.ReturnRequestFactory(order=w.order, status=status, kind=kind, **fields)
        f.ReturnItemFactory(return_request=request, order_item=w.order_item)
        return request

    w.return_confirmed = ret("confirmed")
    w.return_photo = f.ReturnPhotoFactory(return_request=w.return_confirmed, uploaded_by=agent)
    w.return_rejected = ret("rejected", rejection_reason="缺少照片")
    w.return_approved = ret("approved")
    f.ReturnDeadlineFactory(return_request=w.return_approved, step="pickup")
    w.return_awaiting = ret("awaiting_return", return_method="pickup")
    w.return_received = ret("received", received_at=timezone.now())
    w.return_inspected = ret("inspected", received_at=timezone.now(), is_inspection_passed=True)
    w.return_exchange_inspected = ret("inspected", kind="exchange", received_at=timezone.now(), is_inspection_passed=True)
    w.return_refunded = ret("refunded", received_at=timezone.now(), refund_amount=Decimal("199.00"))

    # Customer archive work.
    w.review = f.CustomerReviewFactory(customer__name="李雷", submitted_by=agent)
    w.customer_import = f.CustomerImportFactory(created_by=agent)
    w.order_import = f.OrderImportFactory(created_by=admin)

    # Follow-ups and surveys of the owning team.
    w.visit = FollowUpVisitFactory(customer=w.customer, team=w.team, order=w.order)
    w.survey = f.SurveyFactory(customer=w.customer, team=w.team, ticket=w.ticket, agent=agent)
    w.survey_token = signing.dumps({"s": w.survey.pk}, salt=SURVEY_SALT)
    # The survey message as the shipped rule words it, with the link as the customer receives it.
    survey_url = f"{settings.PUBLIC_BASE_URL}/s/{w.survey_token}/"
    f.CustomerMessageFactory(customer=w.customer, body=f"{w.customer.name}您好，请为本次服务打分：{survey_url}")

    # A 差评 of the owning team's order.
    w.shop_review = Review.objects.create(shop=OWN_SHOP, platform_review_id="pm-review-1", order=w.order,
                                     order_number=w.order.number, customer=w.customer, rating=1, text="质量太差",
                                     reviewed_at=timezone.now() - dt.timedelta(hours=3), team=w.team)

    # KPI: the owning team agent's scorecard, a supervisor's own export and the scheduled monthly report.
    w.scorecard = f.ScorecardFactory(agent=agent, team=w.team)
    w.export = f.ReportFactory(kind="export", team=w.team, requested_by=supervisor)
    w.monthly_report = f.ReportFactory(kind="monthly")

    # Knowledge articles: a published public one everyone reads, a draft only writers see.
    w.article = ArticleFactory(title="七天无理由退货政策", body="签收后7天内可申请退货。", owner=supervisor)
    w.draft_article = ArticleFactory(title="换货流程（草稿）", status="draft", owner=supervisor)
    w.draft_article.versions.create(number=1, title=w.draft_article.title, body=w.draft_article.body, author=supervisor)
    w.article.versions.create(number=1, title=w.article.title, body=w.article.body, author=supervisor)
    # Training: the team's agent has a record of an assignment with the article and a quiz.
    w.quiz = quiz_build()
    w.training = training_assign(actor=supervisor, title="退货政策培训", due_on=timezone.localdate(), articles=[w.article],
                                 quiz=w.quiz, agents=[agent])
    w.training_record = w.training.records.get()

    # Links a customer receives.
    w.support_done_token = signing.dumps(w.ticket.pk, salt=SUPPORT_DONE_SALT)
    w.tracker_token = tracker_token(w.ticket)
    w.public_order_token = signing.dumps({"o": w.order.pk}, salt=PUBLIC_ORDER_SALT)
    w.public_return_token = signing.dumps({"r": w.return_confirmed.pk}, salt=PUBLIC_RETURN_SALT)
    return w
