"""Who may use each endpoint: one entry per URL name, the expected answer for every viewer.

Each entry names a URL (never a path), says how to build its arguments from the shared objects of
``world.py`` (everything there belongs to the owning team, 售前) and which requests to try: GET for
reads, for writes the method with the smallest body that passes validation, so that the answer is the
permission answer. The expected status of each viewer follows from four declarations:

- ``may``: the viewers whose role holds the permission for the action (docs/roles.md,
  helpdesk/roles.py, the chapters of docs/);
- ``sees``: the viewers who may see the object (the scope rules of docs/roles.md: tickets, orders,
  returns and follow-ups by team, managers and admins all; chats by team membership; customers
  shared by every holder of the permission; notifications, exports and imports personal);
- ``ok``: the answer to a viewer who both may and sees;
- ``unseen``: the answer to a viewer who may but does not see the object (404: out of scope does not
  exist; 400 when the object is named in the body rather than the URL).

A viewer who sees the object but lacks the permission gets 403; one who neither sees it nor holds
the permission is refused either way (403 before the object is looked up, 404 after: neither
confirms the object). Anonymous visitors are sent to the login page (pages) or get 401 (API), unless
the endpoint is public. ``answers`` states what the product's rules give a particular viewer where
these four do not say it, and ``holes`` names the cases where the product answers otherwise today, with
that answer (run as strict expected failures: a fix, or yet another answer, fails the run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.permissions.factories import PNG
from tests.permissions.world import (
    ADMIN,
    AGENT_OTHER,
    AGENT_OWN,
    ANONYMOUS,
    MANAGER,
    SUPERVISOR_OTHER,
    SUPERVISOR_OWN,
    VIEWERS,
)

PAGE, API = "page", "api"
LOGIN = 302  # a page sends an anonymous visitor to the login page
REFUSED = frozenset({403, 404})

SIGNED_IN = frozenset(VIEWERS) - {ANONYMOUS}
SUPERVISORS = frozenset({SUPERVISOR_OWN, SUPERVISOR_OTHER, MANAGER, ADMIN})  # supervisor and up
MANAGERS = frozenset({MANAGER, ADMIN})
ADMINS = frozenset({ADMIN})
NOBODY = frozenset()

# Who sees an object of the owning team.
EVERYONE = SIGNED_IN
TEAM = frozenset({AGENT_OWN, SUPERVISOR_OWN, MANAGER, ADMIN})  # the team's people; managers and admins all
MEMBERS = frozenset({AGENT_OWN, SUPERVISOR_OWN})  # the team's people only (live chat)
OWN_AGENT = frozenset({AGENT_OWN})  # the agent's own object
OWN_SUPERVISOR = frozenset({SUPERVISOR_OWN})  # the supervisor's own object


class Hole(NamedTuple):
    """A case where the product breaks the rule today: what it answers instead, and the rule."""

    today: int
    rule: str


@dataclass(frozen=True)
class Probe:
    """One request to try on an endpoint, with what each viewer should get."""

    method: str
    ok: int
    may: frozenset = SIGNED_IN
    sees: frozenset = EVERYONE
    unseen: int = 404
    public: bool = False
    label: str = ""
    args: Callable | None = None  # world -> URL kwargs
    data: Callable | None = None  # world -> body
    encoding: str = ""  # "json", "multipart" or a content type for a raw body; default by kind
    query: Callable | None = None  # world -> query string parameters
    headers: Callable | None = None  # (world, raw body) -> extra headers
    answers: dict = field(default_factory=dict)
    holes: dict = field(default_factory=dict)  # viewer -> Hole
    hidden: tuple = ()  # (world attribute of a secret, viewers who may see it in the answer)

    def expected(self, viewer: str, kind: str) -> int | frozenset:
        """Return the status (or the set of refusals) this viewer should get."""
        if viewer in self.answers:
            return self.answers[viewer]
        if self.public:
            return self.ok
        if viewer == ANONYMOUS:
            return LOGIN if kind == PAGE else 401
        may, sees = viewer in self.may, viewer in self.sees
        if may and sees:
            return self.ok
        if may:
            return self.unseen
        if sees:
            return 403
        return REFUSED


@dataclass(frozen=True)
class Endpoint:
    """A URL name, whether it is a page (signed in through the login) or the API (a token), and the requests to try."""

    name: str
    kind: str
    probes: tuple[Probe, ...]


def page(name: str, *probes: Probe) -> Endpoint:
    return Endpoint(name, PAGE, probes)


def api(name: str, *probes: Probe) -> Endpoint:
    return Endpoint(name, API, probes)


def get(ok: int = 200, **kwargs) -> Probe:
    return Probe("GET", ok, **kwargs)


def post(ok: int, **kwargs) -> Probe:
    return Probe("POST", ok, **kwargs)


def patch(ok: int, **kwargs) -> Probe:
    return Probe("PATCH", ok, **kwargs)


def put(ok: int, **kwargs) -> Probe:
    return Probe("PUT", ok, **kwargs)


def delete(ok: int, **kwargs) -> Probe:
    return Probe("DELETE", ok, **kwargs)


def pk(attribute: str, key: str = "pk") -> Callable:
    """Return a URL-argument builder that passes the id of one shared object."""
    return lambda w: {key: getattr(w, attribute).pk}


def every_signed_in(answer: int) -> dict:
    return dict.fromkeys(SIGNED_IN, answer)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def stream_ticket(session) -> str:
    """Return a fresh stream ticket of a chat, as the widget gets one before it opens the stream."""
    from chat.services import chat_stream_ticket_issue

    return chat_stream_ticket_issue(session=session)


def visitor(chat: str) -> Callable:
    """Return a header builder that sends the visitor token of a chat (the widget's X-Chat-Token)."""
    return lambda w, body: {"X-Chat-Token": getattr(w, chat).token}


def signed(w, body: bytes) -> dict:
    """Sign a shop's webhook call as docs/orders.md says: sha256=hex(HMAC-SHA256("<timestamp>." + body))."""
    timestamp = str(int(timezone.now().timestamp()))
    digest = hmac.new(w.webhook_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Webhook-Timestamp": timestamp, "X-Webhook-Signature": f"sha256={digest}"}


def gateway_signed(w, body: bytes) -> dict:
    """Sign an SMS gateway's receipt as docs/notices.md says: sha256=hex(HMAC-SHA256("<timestamp>." + body))."""
    timestamp = str(int(timezone.now().timestamp()))
    digest = hmac.new(w.webhook_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Signature-Timestamp": timestamp, "X-Signature": f"sha256={digest}"}


def later(days: int = 1) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def report_period(w) -> dict:
    today = timezone.localdate()
    return {"date_from": (today - dt.timedelta(days=7)).isoformat(), "date_to": today.isoformat()}


RAW_EMAIL = (
    b"From: =?utf-8?b?546L5bCP5piO?= <wang@example.com>\r\nTo: service@demo-shop.local\r\n"
    b"Subject: order question\r\nMessage-ID: <pm-matrix@example.com>\r\n\r\nWhere is my parcel?\r\n"
)


ENDPOINTS: tuple[Endpoint, ...] = (
    # --- The shell: public pages, the API's own entry points -------------------------------------------------
    page("home", get(302, public=True)),
    page("healthz", get(200, public=True)),
    page("favicon", get(302, public=True)),
    page("login", get(200, public=True, answers=every_signed_in(302))),  # signed in: on to the inbox
    page("logout", post(302, public=True)),
    page("set_language", post(302, public=True, data=lambda w: {"language": "en", "next": "/"})),
    # The API's description and its Swagger UI need a signed-in user (docs/api.md, docs/security.md).
    page("schema", get(200, answers={ANONYMOUS: 401})),
    page("api-docs", get(200)),
    # The global search answers everyone signed in, with only what each may open: the team's ticket by its number
    # is linked for the team (and managers) alone.
    page("search", get(200, label="page", query=lambda w: {"q": w.ticket.number}, hidden=("ticket_url", TEAM)),
         get(200, label="json", query=lambda w: {"q": w.ticket.number, "format": "json"}, hidden=("ticket_url", TEAM))),
    api("auth-token", post(200, public=True, data=lambda w: {"username": w.agent.username, "password": w.password})),
    api("me", get(200)),

    # --- Tickets: pages (docs/tickets.md) ---------------------------------------------------------------------
    page("tickets:inbox", get()),
    # Saving the list's current filters as a view of one's own (the query string is the view).
    page("tickets:ticket_list", get(), post(302, label="save view", data=lambda w: {"name": "今天的工单"})),
    page("tickets:saved_view_delete", post(302, sees=OWN_AGENT, args=pk("saved_view"))),
    page("tickets:ticket_detail", get(sees=TEAM, args=pk("ticket"))),
    page("tickets:canned_search", get(sees=TEAM, args=pk("ticket"), query=lambda w: {"q": "reply"})),
    page("tickets:call_new",
         get(),
         # A ticket out of scope named in the form is "no ticket you may see": the form answers 400.
         post(302, sees=TEAM, unseen=400, label="on a ticket",
              data=lambda w: {"direction": "in", "number": "13800138000", "wait_seconds": 5, "talk_seconds": 60,
                              "ticket_number": w.ticket.number, "kind": "consultation"})),
    page("tickets:ticket_action",
         post(302, sees=TEAM, label="claim", args=lambda w: {"pk": w.ticket.pk, "action": "claim"}),
         post(302, may=SUPERVISORS, sees=TEAM, label="remedy-decide",
              args=lambda w: {"pk": w.ticket.pk, "action": "remedy-decide"},
              data=lambda w: {"remedy": w.remedy_to_approve.pk, "decision": "approve", "reason": "同意补偿"}),
         post(200, sees=TEAM, label="draft", args=lambda w: {"pk": w.ticket.pk, "action": "draft"},
              data=lambda w: {"body": "您好，正在为您核实"}),
         post(302, sees=TEAM, label="step", args=lambda w: {"pk": w.ticket.pk, "action": "step"},
              data=lambda w: {"step": "feedback", "note": "客户电话确认满意"}),
         post(302, may=SUPERVISORS, sees=TEAM, label="merge", args=lambda w: {"pk": w.ticket.pk, "action": "merge"},
              data=lambda w: {"into": w.merge_target.number}),
         post(302, sees=TEAM, label="tracker-send", args=lambda w: {"pk": w.ticket.pk, "action": "tracker-send"}),
         post(302, sees=TEAM, label="tag-add", args=lambda w: {"pk": w.ticket.pk, "action": "tag-add"},
              data=lambda w: {"tag": "加急"})),
    # Bulk actions name their tickets in the body: one out of scope is reported as not found and left alone,
    # so everyone who may change tickets gets the summary (docs/tickets.md#bulk-actions-and-tags).
    page("tickets:ticket_bulk", post(302, data=lambda w: {"tickets": [w.ticket.pk], "action": "priority",
                                                           "value": "high", "next": "/inbox/"})),
    # Revealing a masked message's text takes a reason and is audited (docs/security.md); anyone who sees the ticket.
    page("tickets:ticket_reveal", post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"reason": "核实收货人身份"})),
    # Saying one is on a ticket (viewing or replying) is for everyone who sees it (docs/tickets.md).
    page("tickets:ticket_presence", post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"state": "viewing"})),
    page("tickets:attachment_download", get(sees=TEAM, args=pk("attachment"))),
    page("tickets:canned_list", get()),
    page("tickets:canned_create", get()),
    # A team's replies: its supervisor and managers (admins everything); an agent only the ones they wrote,
    # so another's reply of their own team is a 403, another team's reply a 404.
    page("tickets:canned_edit", get(sees=TEAM, args=pk("canned_reply"), answers={AGENT_OWN: 403})),
    page("tickets:canned_delete", post(302, sees=TEAM, args=pk("canned_reply"), answers={AGENT_OWN: 403})),

    # --- Tickets: API (docs/tickets.md#api) -------------------------------------------------------------------
    api("ticket-list",
        get(),
        # The team named in the body must be one of the creator's (managers: any).
        post(201, sees=TEAM, unseen=400, label="for the team",
             data=lambda w: {"subject": "咨询发货时间", "customer": w.customer.pk, "team": w.team.pk}),
        # An order outside the creator's scope does not exist for them; managers and admins belong to no
        # team and must name one.
        post(201, sees=TEAM, unseen=400, label="about an order",
             data=lambda w: {"subject": "订单未收到", "customer": w.customer.pk, "order": w.order.pk},
             answers={MANAGER: 400, ADMIN: 400})),
    api("ticket-detail",
        get(sees=TEAM, args=pk("ticket")),
        patch(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"priority": "high"})),
    api("ticket-assign", post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"assignee": w.agent.pk})),
    # A ticket is assigned to the people of its team: managers and admins are not among them.
    api("ticket-claim", post(200, sees=TEAM, args=pk("ticket"), answers={MANAGER: 400, ADMIN: 400})),
    api("ticket-escalate", post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"reason": "客户要求主管处理"})),
    api("ticket-transfer", post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"team": w.other_team.pk})),
    api("ticket-transition", post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"status": "pending_customer"})),
    api("ticket-bulk", post(200, data=lambda w: {"tickets": [w.ticket.pk], "action": "priority", "value": "high"})),
    api("ticket-merge", post(200, may=SUPERVISORS, sees=TEAM, args=pk("ticket"),
                             data=lambda w: {"into": w.merge_target.pk})),
    api("ticket-events", get(sees=TEAM, args=pk("ticket"))),
    api("ticket-reveal", post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"reason": "核实收货人身份"})),
    api("ticket-presence",
        get(sees=TEAM, args=pk("ticket")),
        post(200, sees=TEAM, args=pk("ticket"), data=lambda w: {"state": "replying"})),
    api("ticket-messages",
        get(sees=TEAM, args=pk("ticket")),
        post(201, sees=TEAM, args=pk("ticket"), data=lambda w: {"body": "已联系仓库核实。", "internal": True})),
    api("ticket-attachments",
        get(sees=TEAM, args=pk("ticket")),
        post(201, sees=TEAM, args=pk("ticket"), data=lambda w: {"file": png()}, encoding="multipart")),
    api("ticket-attachment-download",
        get(sees=TEAM, args=lambda w: {"pk": w.ticket.pk, "attachment_id": w.attachment.pk})),
    api("ticket-tasks",
        get(sees=TEAM, args=pk("ticket")),
        post(201, sees=TEAM, args=pk("ticket"), data=lambda w: {"title": "联系物流核实", "department": "logistics"})),
    api("ticket-task-done", post(200, sees=TEAM, args=lambda w: {"pk": w.ticket.pk, "task_id": w.task.pk},
                                 data=lambda w: {"is_done": True})),
    api("task-list", get()),
    api("task-detail", get(sees=TEAM, args=pk("task"))),
    # Only the people of the task's team may hold it: a manager or admin sees it but gives it to one of them.
    api("task-claim", post(200, sees=TEAM, args=pk("task"), answers={MANAGER: 400, ADMIN: 400})),
    api("task-assign", post(200, sees=TEAM, args=pk("task"), data=lambda w: {"assignee": w.users[AGENT_OWN].pk})),
    api("task-done", post(200, sees=TEAM, args=pk("task"), data=lambda w: {"note": "已补发"})),
    api("ticket-remedies",
        get(sees=TEAM, args=pk("ticket")),
        post(201, sees=TEAM, args=pk("ticket"), data=lambda w: {"kind": "coupon", "amount": "20.00"})),
    api("ticket-remedy-approve", post(200, may=SUPERVISORS, sees=TEAM,
                                      args=lambda w: {"pk": w.ticket.pk, "remedy_id": w.remedy_to_approve.pk})),
    api("ticket-remedy-reject", post(200, may=SUPERVISORS, sees=TEAM,
                                     args=lambda w: {"pk": w.ticket.pk, "remedy_id": w.remedy_to_approve.pk},
                                     data=lambda w: {"reason": "金额超出标准"})),
    api("ticket-remedy-agree", post(200, sees=TEAM, args=lambda w: {"pk": w.ticket.pk, "remedy_id": w.remedy_approved.pk})),
    api("ticket-remedy-done", post(200, sees=TEAM, args=lambda w: {"pk": w.ticket.pk, "remedy_id": w.remedy_agreed.pk})),
    api("canned-reply-list",
        get(),
        # A reply for a team the author does not belong to names a team they may not use: 400.
        post(201, sees=TEAM, unseen=400, data=lambda w: {"title": "发货时间", "shortcut": "ship", "team": w.team.pk,
                                                          "body": "您好，订单将在48小时内发货。"})),
    api("ticket-view-list", get(), post(201, data=lambda w: {"name": "今天的工单", "query": "status=open"})),
    api("ticket-view-detail", delete(204, sees=OWN_AGENT, args=pk("saved_view"))),
    api("canned-reply-detail",
        patch(200, sees=TEAM, args=pk("canned_reply"), data=lambda w: {"title": "新标题"}, answers={AGENT_OWN: 403}),
        delete(204, sees=TEAM, args=pk("canned_reply"), answers={AGENT_OWN: 403})),

    # --- SLA (docs/sla.md#pages-and-api) -----------------------------------------------------------------------
    page("sla:at_risk", get(may=SUPERVISORS)),
    page("approvals:queue", get(may=SUPERVISORS)),
    page("tickets:task_queue", get()),
    page("tickets:task_action", post(302, sees=TEAM, args=lambda w: {"pk": w.task.pk, "action": "claim"})),
    page("sla:notification_list", get()),
    page("sla:live_counts", get(), get(label="naming a ticket", query=lambda w: {"ticket": w.ticket.pk},
                                      hidden=("ticket_url", TEAM))),
    page("sla:notification_read_all", post(302)),
    api("ticket-sla", get(sees=TEAM, args=pk("ticket"))),
    api("ticket-sla-extend", post(200, may=SUPERVISORS, sees=TEAM, args=pk("ticket"),
                                  data=lambda w: {"minutes": 60, "reason": "暴雨停运"})),
    api("ticket-sla-pause", post(200, may=SUPERVISORS, sees=TEAM, args=pk("ticket"), data=lambda w: {"reason": "暴雨停运"})),
    api("ticket-sla-resume", post(200, may=SUPERVISORS, sees=TEAM, args=pk("ticket"))),
    api("ticket-steps", get(sees=TEAM, args=pk("ticket"))),
    api("ticket-steps-complete", post(200, sees=TEAM, args=pk("ticket"),
                                      data=lambda w: {"step": "feedback", "note": "客户电话确认满意"})),
    api("notification-list", get()),
    api("notification-read-all", post(200)),
    api("notification-read", post(200, sees=OWN_AGENT, args=pk("notification"))),

    # --- E-mail in and phone (docs/channels.md) ----------------------------------------------------------------
    # Only the mail gateway's service account holds tickets.receive_email; no role has it.
    api("inbound-email-list", post(201, may=NOBODY, data=lambda w: RAW_EMAIL, encoding="message/rfc822")),
    api("phone-call-list",
        get(),
        post(201, sees=TEAM, label="on a ticket",
             data=lambda w: {"direction": "in", "number": "13800138000", "talk_seconds": 60, "ticket": w.ticket.pk})),

    # --- Live chat: the widget side, public with the visitor's token (docs/chat.md) ----------------------------
    api("chat-widget-session-list", post(201, public=True, data=lambda w: {"shop": w.widget.key, "name": "访客",
                                                                           "phone": "13900139000"})),
    api("chat-widget-session-detail",
        get(200, public=True, args=pk("chat_active"), headers=visitor("chat_active")),
        get(404, public=True, label="without the token", args=pk("chat_active"))),
    api("chat-widget-session-messages",
        post(201, public=True, args=pk("chat_active"), headers=visitor("chat_active"), data=lambda w: {"body": "还在吗？"}),
        post(404, public=True, label="without the token", args=pk("chat_active"), data=lambda w: {"body": "还在吗？"})),
    api("chat-widget-session-images", post(201, public=True, args=pk("chat_active"), headers=visitor("chat_active"),
                                           data=lambda w: {"image": png()}, encoding="multipart")),
    api("chat-widget-session-read", post(204, public=True, args=pk("chat_active"), headers=visitor("chat_active"),
                                         data=lambda w: {"seq": 1})),
    api("chat-widget-session-typing", post(204, public=True, args=pk("chat_active"), headers=visitor("chat_active"))),
    api("chat-widget-detail", get(200, public=True, args=lambda w: {"pk": w.widget.key})),
    api("chat-widget-leave-message", post(201, public=True, args=lambda w: {"pk": w.widget.key},
                                          data=lambda w: {"name": "访客", "phone": "13900139000", "body": "请回电"})),
    page("chat:widget_js", get(200, public=True)),
    page("chat:demo_shop", get(200, public=True)),
    api("chat-widget-session-stream",
        post(201, public=True, args=pk("chat_active"), headers=visitor("chat_active")),
        post(404, public=True, label="without the token", args=pk("chat_active"))),
    # The stream URL carries a one-stream ticket from the call above; the visitor token opens nothing.
    page("chat:customer_stream",
         get(200, public=True, args=pk("chat_active"), query=lambda w: {"ticket": stream_ticket(w.chat_active)}),
         get(404, public=True, label="with the visitor token", args=pk("chat_active"),
             query=lambda w: {"token": w.chat_active.token}),
         get(404, public=True, label="without a ticket", args=pk("chat_active"))),

    # --- Live chat: the agent side; a chat is seen by its team's people (docs/roles.md) ------------------------
    page("chat:inbox", get()),
    page("chat:agent_stream", get(answers={ANONYMOUS: 401})),
    # The workspace stream: a signed-in staff member's own; the test client is not the streams process (204).
    page("chat:workspace_stream", get(204, answers={ANONYMOUS: 401})),
    page("chat:card", get(sees=MEMBERS, args=pk("chat_waiting"))),
    page("chat:canned", get(sees=MEMBERS, args=pk("chat_waiting"))),
    page("chat:image",
         get(200, public=True, label="with the visitor token", args=pk("chat_image"), headers=visitor("chat_active")),
         # Without the token the image is the agents' who see the chat; nobody else learns it exists.
         get(sees=MEMBERS, label="as staff", args=pk("chat_image"), answers={ANONYMOUS: 404})),
    api("chat-session-list", get()),
    api("chat-session-detail", get(sees=MEMBERS, args=pk("chat_waiting"))),
    api("chat-session-accept", post(200, sees=MEMBERS, args=pk("chat_waiting"))),
    # Only the chat's own agent writes in it; a supervisor of the team sees it and is told to accept first.
    api("chat-session-messages", post(201, sees=MEMBERS, args=pk("chat_active"), data=lambda w: {"body": "您好，请稍等。"},
                                      answers={SUPERVISOR_OWN: 409})),
    api("chat-session-images", post(201, sees=MEMBERS, args=pk("chat_active"), data=lambda w: {"image": png()},
                                    encoding="multipart", answers={SUPERVISOR_OWN: 409})),
    api("chat-session-read", post(204, sees=MEMBERS, args=pk("chat_active"), data=lambda w: {"seq": 1})),
    api("chat-session-typing", post(204, sees=MEMBERS, args=pk("chat_active"))),
    api("chat-session-reveal", post(200, sees=MEMBERS, args=pk("chat_active"),
                                    data=lambda w: {"message": w.chat_image.pk, "reason": "核实收货人身份"})),
    api("chat-session-transfer", post(200, sees=MEMBERS, args=pk("chat_active"),
                                      data=lambda w: {"team": w.other_team.pk, "note": "转售后处理"})),
    api("chat-session-end", post(200, sees=MEMBERS, args=pk("chat_active"), data=lambda w: {"resolve": False})),
    api("chat-presence",
        get(),
        post(200, data=lambda w: {"status": "online"})),

    # --- Web form (docs/channels.md#web-form): public ----------------------------------------------------------
    page("support:new",
         get(200, public=True),
         post(400, public=True, label="empty")),
    page("support:done", get(200, public=True, args=lambda w: {"token": w.support_done_token})),
    # The tracking link is the key to its ticket (docs/tickets.md#tracking-link): anyone holding it, nobody else.
    page("support:track",
         get(200, public=True, args=lambda w: {"token": w.tracker_token}),
         post(400, public=True, label="empty", args=lambda w: {"token": w.tracker_token}, data=lambda w: {"body": ""})),
    # A valid link needs no fresh one: back to the page.
    page("support:track_renew", post(302, public=True, args=lambda w: {"token": w.tracker_token})),

    # --- Customers: pages (docs/customers.md); archives are shared by everyone with the permission -------------
    page("customers:customer_list", get()),
    page("customers:customer_create", get()),
    page("customers:customer_export", get()),
    page("customers:customer_detail", get(args=pk("customer"), hidden=("survey_token", NOBODY))),
    page("customers:customer_timeline", get(args=pk("customer"), hidden=("survey_token", NOBODY))),
    # Changing contacts needs permission to see them: agents submit an archive review instead.
    page("customers:customer_edit", get(may=SUPERVISORS, args=pk("customer"))),
    page("customers:customer_reveal", post(200, args=pk("customer"), data=lambda w: {"field": "phone",
                                                                                      "reason": "核实收货人身份"})),
    page("customers:customer_review_submit", post(302, args=pk("customer"), data=lambda w: {"reason": "新客户建档"})),
    page("customers:customer_review_decide", post(302, may=SUPERVISORS,
                                                  args=lambda w: {"pk": w.review.customer_id, "review_id": w.review.pk},
                                                  data=lambda w: {"approve": "on", "reason": "资料齐全"})),
    page("customers:review_queue", get(may=SUPERVISORS)),
    page("customers:duplicate_list", get(may=SUPERVISORS)),
    page("customers:reveal_audit", get(may=SUPERVISORS)),
    page("customers:customer_personal_data", post(200, may=MANAGERS, args=pk("customer"),
                                                  data=lambda w: {"reason": "客户申请查阅"})),
    page("customers:customer_anonymize", post(302, may=MANAGERS, args=pk("customer"),
                                              data=lambda w: {"reason": "客户申请删除"})),
    page("customers:import_upload", get()),
    # An import is followed by whoever started it and by supervisors and up.
    page("customers:import_detail", get(sees=OWN_AGENT | SUPERVISORS, args=pk("customer_import"))),
    page("customers:import_errors", get(sees=OWN_AGENT | SUPERVISORS, args=pk("customer_import"))),

    # --- Customers: API (docs/customers.md#api) ----------------------------------------------------------------
    api("customer-list",
        get(),
        post(201, data=lambda w: {"name": "赵敏", "phones": ["13900139001"]})),
    api("customer-export", get()),
    api("customer-detail",
        get(args=pk("customer")),
        # Supervisors and up change an archive; an agent's change is submitted for archive review (202).
        patch(200, args=pk("customer"), data=lambda w: {"city": "杭州"}, answers={AGENT_OWN: 202, AGENT_OTHER: 202})),
    api("customer-stats", get(args=pk("customer"))),
    api("customer-timeline", get(args=pk("customer"), hidden=("survey_token", NOBODY))),
    api("customer-duplicates", get(args=pk("customer"))),
    api("customer-reveal", post(200, args=pk("customer"), data=lambda w: {"field": "phone", "reason": "核实收货人身份"})),
    api("customer-review-submit", post(201, args=pk("customer"), data=lambda w: {"note": "新客户建档"})),
    api("customer-review-decide", post(200, may=SUPERVISORS,
                                       args=lambda w: {"pk": w.review.customer_id, "review_id": w.review.pk},
                                       data=lambda w: {"approve": True, "reason": "资料齐全"})),
    api("customer-merge", post(201, may=SUPERVISORS, data=lambda w: {"survivor": w.customer.pk,
                                                                      "duplicate": w.duplicate.pk})),
    api("customer-personal-data", get(may=MANAGERS, args=pk("customer"), query=lambda w: {"reason": "客户申请查阅"})),
    api("customer-anonymize", post(200, may=MANAGERS, args=pk("customer"), data=lambda w: {"reason": "客户申请删除"})),
    api("customer-import-list", post(201, encoding="multipart", data=lambda w: {
        "file": SimpleUploadedFile("customers.csv", "name,phone\n周芷若,13900139002\n".encode(), content_type="text/csv"),
        "mode": "valid_rows"})),
    api("customer-import-detail", get(sees=OWN_AGENT | SUPERVISORS, args=pk("customer_import"))),
    api("pii-reveal-list", get(may=SUPERVISORS)),

    # --- Follow-up visits and surveys (docs/followups.md): the viewer's teams, managers all --------------------
    page("followups:visit_list", get()),
    page("followups:visit_report", get(may=SUPERVISORS)),
    page("followups:visit_detail", get(sees=TEAM, args=pk("visit"))),
    page("followups:visit_claim", post(302, sees=TEAM, args=pk("visit"))),
    page("followups:visit_complete", post(302, sees=TEAM, args=pk("visit"),
                                          data=lambda w: {"outcome": "reached", "satisfaction": 5})),
    page("followups:visit_reschedule", post(302, sees=TEAM, args=pk("visit"),
                                            data=lambda w: {"due_at": timezone.localtime(
                                                timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})),
    page("followups:visit_ticket", post(302, sees=TEAM, args=pk("visit"), data=lambda w: {"subject": "回访发现质量问题"})),
    # Surveys are the customers' word: nobody signed in to the helpdesk answers one (an agent would rate themselves).
    page("followups:survey_public",
         get(200, public=True, args=lambda w: {"token": w.survey_token}),
         post(200, public=True, args=lambda w: {"token": w.survey_token},
              data=lambda w: {"overall": 5, "efficiency": 5, "professionalism": 5, "accuracy": 5, "comment": "满意"},
              answers=dict.fromkeys(SIGNED_IN, 403))),
    api("followup-list", get()),
    api("followup-detail", get(sees=TEAM, args=pk("visit"))),
    api("followup-complete", post(200, sees=TEAM, args=pk("visit"), data=lambda w: {"outcome": "reached",
                                                                                    "satisfaction": 5})),
    api("followup-reschedule", post(200, sees=TEAM, args=pk("visit"), data=lambda w: {"due_at": later()})),
    api("followup-create-ticket", post(201, sees=TEAM, args=pk("visit"), data=lambda w: {"subject": "回访发现质量问题"})),
    api("survey-response-list", get(may=SUPERVISORS)),
    api("survey-answer-list", post(201, public=True, args=lambda w: {"token": w.survey_token}, data=lambda w: {
        "overall": 5, "answers": {"efficiency": 5, "professionalism": 5, "accuracy": 5}, "comment": "满意"},
        answers=dict.fromkeys(SIGNED_IN, 403))),

    # --- Knowledge base (docs/knowledge.md): agents read published articles, supervisors and up write --------
    page("knowledge:article_list", get()),
    page("knowledge:article_new", get(may=SUPERVISORS), post(400, may=SUPERVISORS, label="empty")),
    page("knowledge:article_detail", get(args=pk("article"))),
    page("knowledge:article_edit", get(may=SUPERVISORS, args=pk("article")),
         post(302, may=SUPERVISORS, args=pk("article"), data=lambda w: {
             "title": "七天无理由退货政策", "body": "签收后7天内可申请退货，商品需完好。", "audience": "public",
             "language": "zh-hans"})),
    page("knowledge:article_diff", get(may=SUPERVISORS, args=pk("article"), query=lambda w: {"old": 1, "new": 1})),
    page("knowledge:article_transition", post(302, may=SUPERVISORS, sees=SUPERVISORS, args=pk("draft_article"),
                                              data=lambda w: {"status": "in_review"})),
    page("knowledge:kpi", get(may=SUPERVISORS), get(400, may=SUPERVISORS, label="bad period", query=lambda w: {"days": "x"})),
    page("knowledge:article_flag", post(200, args=pk("article"), data=lambda w: {"note": "运费规则已更新"})),
    page("knowledge:ticket_articles", get(sees=TEAM, args=lambda w: {"ticket_pk": w.ticket.pk})),
    # The help centre is the customers': no login.
    page("knowledge:help_index", get(200, public=True)),
    page("knowledge:help_article", get(200, public=True, args=pk("article")),
         get(404, public=True, label="a draft", args=pk("draft_article"))),
    page("knowledge:help_suggest", get(200, public=True, query=lambda w: {"q": "退货"}),
         get(400, public=True, label="unknown source", query=lambda w: {"q": "退货", "source": "x"})),
    page("knowledge:help_solved", post(200, public=True, args=pk("article"), data=lambda w: {"source": "help"})),
    api("article-list", get(), post(201, may=SUPERVISORS, data=lambda w: {"title": "发票问题", "body": "电子发票。"})),
    api("article-detail", get(args=pk("article")),
        patch(200, may=SUPERVISORS, args=pk("article"), data=lambda w: {"category": "售后"})),
    api("article-transition", post(200, may=SUPERVISORS, sees=SUPERVISORS, args=pk("draft_article"),
                                   data=lambda w: {"status": "in_review"})),
    # Training (docs/knowledge.md#training): agents their own records, supervisors their teams', managers all.
    page("knowledge:training_mine", get()),
    page("knowledge:training_assign", get(may=SUPERVISORS), post(400, may=SUPERVISORS, label="empty")),
    page("knowledge:training_team", get(may=SUPERVISORS),
         get(400, may=SUPERVISORS, label="bad month", query=lambda w: {"month": "2026-13"})),
    page("knowledge:training_agent", get(may=SUPERVISORS, sees=TEAM, args=lambda w: {"agent_pk": w.agent.pk})),
    page("knowledge:training_record", get(sees=TEAM, args=pk("training_record"))),
    page("knowledge:training_read", get(sees=OWN_AGENT, args=lambda w: {"pk": w.training_record.pk,
                                                                        "article_pk": w.article.pk})),
    page("knowledge:training_quiz", get(sees=OWN_AGENT, args=pk("training_record")),
         post(400, sees=OWN_AGENT, label="empty", args=pk("training_record"))),
    api("training-assignment-list", get(),
        post(201, may=SUPERVISORS, label="assign the team's agent", data=lambda w: {
            "title": "发票培训", "due_on": timezone.localdate().isoformat(), "articles": [w.article.pk],
            "agents": [w.agent.pk]}, answers={SUPERVISOR_OTHER: 400})),
    api("training-record-list", get()),
    api("training-record-detail", get(sees=TEAM, args=pk("training_record"))),
    api("training-record-quiz", post(400, sees=OWN_AGENT, label="empty", args=pk("training_record"))),
    api("training-record-read", post(200, sees=OWN_AGENT, args=pk("training_record"),
                                     data=lambda w: {"article": w.article.pk})),
    api("help-article-list", get(200, public=True)),
    api("help-article-detail", get(200, public=True, args=pk("article")),
        get(404, public=True, label="a draft", args=pk("draft_article"))),
    api("help-article-solved", post(204, public=True, args=pk("article"), data=lambda w: {"source": "help"})),

    # --- Orders and returns (docs/orders.md): the shops a team serves, managers and admins all ----------------
    page("orders:order_list", get()),
    page("orders:order_detail",
         get(sees=TEAM, args=pk("order")),
         # An agent files a return for the customer on the order page; an empty form comes back with its errors.
         post(200, sees=TEAM, label="file a return", args=pk("order"))),
    page("orders:order_ticket", post(302, sees=TEAM, args=pk("order"), data=lambda w: {"subject": "订单未收到"})),
    page("orders:return_list", get()),
    page("orders:return_detail", get(sees=TEAM, args=pk("return_confirmed"))),
    page("orders:return_photo", get(sees=TEAM, args=lambda w: {"pk": w.return_confirmed.pk,
                                                               "photo_id": w.return_photo.pk})),
    page("orders:return_action",
         post(302, sees=TEAM, label="approve", args=lambda w: {"pk": w.return_confirmed.pk, "action": "approve"},
              data=lambda w: {"expected_status": "confirmed"}),
         post(302, may=SUPERVISORS, sees=TEAM, label="extend",
              args=lambda w: {"pk": w.return_approved.pk, "action": "extend"},
              data=lambda w: {"step": "pickup", "days": 2, "reason": "暴雨停运"})),
    page("orders:public_lookup",
         get(200, public=True),
         post(200, public=True, label="empty")),
    page("orders:public_order", get(200, public=True, args=lambda w: {"token": w.public_order_token})),
    page("orders:public_status", get(200, public=True, args=lambda w: {"token": w.public_return_token})),
    api("order-list", get()),
    api("order-detail", get(sees=TEAM, args=pk("order"))),
    api("order-ticket-open", post(201, sees=TEAM, args=pk("order"), data=lambda w: {"subject": "订单未收到"})),
    # The shop integration: adding and changing orders and importing them is the admins'.
    api("order-upsert", put(200, may=ADMINS, args=lambda w: {"number": w.order.number},
                            data=lambda w: {"status": "completed"})),
    api("order-import-start", post(202, may=ADMINS, encoding="multipart", data=lambda w: {
        "file": SimpleUploadedFile("orders.csv", b"order_number\n", content_type="text/csv")})),
    api("order-import-progress", get(may=ADMINS, args=lambda w: {"import_id": w.order_import.pk})),
    page("orders:import_upload", get(may=ADMINS)),
    page("orders:import_detail", get(may=ADMINS, args=pk("order_import"))),
    # The shops' signed webhook: the signature, not a login, decides.
    api("webhook-orders",
        post(200, public=True, label="signed", headers=signed,
             data=lambda w: {"id": "pm-event-1", "topic": "order.updated",
                             "order": {"number": w.order.number, "status": "completed"}}),
        post(401, public=True, label="unsigned", data=lambda w: {"id": "pm-event-2",
                                                                 "order": {"number": w.order.number}})),
    # --- Shop reviews (docs/reviews.md): seen with their order; integrations post them, agents record outcomes --
    page("reviews:list", get()),
    page("reviews:queue", get()),
    page("reviews:detail",
         get(sees=TEAM, args=pk("shop_review")),
         post(302, sees=TEAM, label="record the outcome", args=pk("shop_review"), data=lambda w: {"outcome": "contacted"})),
    api("review-list", get(),
        post(201, may=ADMINS, label="an integration posts a review", data=lambda w: {
            "shop": "pm-shop", "platform_review_id": "pm-review-2", "rating": 5, "reviewed_at": later(-1)})),
    api("review-detail", get(sees=TEAM, args=pk("shop_review"))),
    api("review-import-file", post(200, may=ADMINS, encoding="multipart", data=lambda w: {
        "file": SimpleUploadedFile("reviews.csv", b"shop,platform_review_id,rating,reviewed_at\n", content_type="text/csv")})),
    api("review-outcome", post(200, sees=TEAM, args=pk("shop_review"), data=lambda w: {"outcome": "contacted"})),
    # The shops' signed review webhook: the signature, not a login, decides.
    api("webhook-reviews",
        post(200, public=True, label="signed", headers=signed,
             data=lambda w: {"review": {"shop": "pm-shop", "platform_review_id": "pm-review-3", "rating": 4,
                                        "reviewed_at": later(-1)}}),
        post(401, public=True, label="unsigned", data=lambda w: {"review": {
            "shop": "pm-shop", "platform_review_id": "pm-review-4", "rating": 4, "reviewed_at": later(-1)}})),
    # The SMS providers' delivery receipts: the token in the address or the gateway's signature, not a login, decides.
    api("webhook-sms-alibaba",
        post(200, public=True, label="with the token", query=lambda w: {"token": w.webhook_secret},
             data=lambda w: [{"biz_id": "pm-biz-1", "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功"}]),
        post(403, public=True, label="without the token", data=lambda w: [{"biz_id": "pm-biz-2", "success": True}])),
    api("webhook-sms-tencent",
        post(200, public=True, label="with the token", query=lambda w: {"token": w.webhook_secret},
             data=lambda w: [{"sid": "pm-sn-1", "report_status": "SUCCESS", "errmsg": "DELIVRD"}]),
        post(403, public=True, label="with a wrong token", query=lambda w: {"token": "guess"},
             data=lambda w: [{"sid": "pm-sn-2", "report_status": "SUCCESS"}])),
    api("webhook-sms-gateway",
        post(200, public=True, label="signed", headers=gateway_signed,
             data=lambda w: [{"id": "pm-gw-1", "status": "delivered"}]),
        post(403, public=True, label="unsigned", data=lambda w: [{"id": "pm-gw-2", "status": "delivered"}])),
    api("return-list",
        get(),
        # An order out of scope named in the body does not exist for the caller.
        post(201, sees=TEAM, unseen=400, data=lambda w: {
            "order": w.order.pk, "kind": "return", "reason": "no_reason",
            "items": [{"order_item": w.order_item.pk, "quantity": 1}]}),
        # A return linked to a ticket writes its steps into the ticket's thread: the ticket must be one the
        # caller sees (the order here is of a shop no team serves, seen by everyone).
        post(201, sees=TEAM, unseen=400, label="linked to a ticket", data=lambda w: {
            "order": w.open_order.pk, "kind": "return", "reason": "no_reason", "ticket": w.ticket.pk,
            "items": [{"order_item": w.open_order_item.pk, "quantity": 1}]})),
    api("return-detail", get(sees=TEAM, args=pk("return_confirmed"))),
    api("return-quote", get(sees=TEAM, args=pk("return_confirmed"))),
    api("return-approve", post(200, sees=TEAM, args=pk("return_confirmed"))),
    api("return-reject", post(200, sees=TEAM, args=pk("return_confirmed"), data=lambda w: {"reason": "照片不清晰"})),
    api("return-cancel", post(200, sees=TEAM, args=pk("return_confirmed"))),
    api("return-resubmit", post(200, sees=TEAM, args=pk("return_rejected"))),
    api("return-arrange-pickup", post(200, sees=TEAM, args=pk("return_approved"),
                                      data=lambda w: {"method": "customer_ships"})),
    api("return-receive", post(200, sees=TEAM, args=pk("return_awaiting"))),
    api("return-inspect", post(200, sees=TEAM, args=pk("return_received"), data=lambda w: {"passed": True})),
    api("return-refund", post(200, sees=TEAM, args=pk("return_inspected"))),
    api("return-ship-exchange", post(200, sees=TEAM, args=pk("return_exchange_inspected"),
                                     data=lambda w: {"carrier": "sf", "tracking": "SF1234567890"})),
    api("return-close", post(200, sees=TEAM, args=pk("return_refunded"))),
    api("return-extend", post(200, may=SUPERVISORS, sees=TEAM, args=pk("return_approved"),
                              data=lambda w: {"step": "pickup", "days": 2, "reason": "暴雨停运"})),
    api("return-photo-upload", post(201, sees=TEAM, args=pk("return_confirmed"), data=lambda w: {"file": png()},
                                    encoding="multipart")),
    api("return-photo-download", get(sees=TEAM, args=lambda w: {"pk": w.return_confirmed.pk,
                                                                "photo_id": w.return_photo.pk})),

    # --- KPI (docs/kpi.md): supervisors their teams, managers all, agents their own scorecard --------------------
    page("kpi:dashboard", get(may=SUPERVISORS)),
    page("kpi:drill", get(may=SUPERVISORS, args=lambda w: {"metric": "consultation_volume"})),
    page("kpi:live", get(may=SUPERVISORS)),
    page("kpi:quality", get(may=SUPERVISORS)),
    page("kpi:inspect", get(may=SUPERVISORS, sees=TEAM, args=pk("ticket", "ticket_id"))),
    page("kpi:my_inspections", get()),
    page("kpi:report_list", get(may=SUPERVISORS)),
    page("kpi:report_create", post(302, may=SUPERVISORS, data=report_period)),
    # An export is kept for whoever asked for it; the scheduled reports are for readers of every team.
    page("kpi:report_download",
         get(may=SUPERVISORS, sees=OWN_SUPERVISOR, label="an export",
             args=lambda w: {"pk": w.export.pk, "file_format": "xlsx"}),
         get(may=SUPERVISORS, sees=MANAGERS, label="the monthly report",
             args=lambda w: {"pk": w.monthly_report.pk, "file_format": "csv"})),
    page("kpi:scorecard_list", get(), get(label="a quarter", query=lambda w: {"period": "quarter"})),
    # The HR export lists the cards of the reader's teams (managers every team's).
    page("kpi:scorecard_export", get(may=SUPERVISORS, query=lambda w: {"period": "quarter", "file_format": "csv"})),
    page("kpi:scorecard_detail",
         get(sees=TEAM, args=pk("scorecard")),
         post(302, may=SUPERVISORS, sees=TEAM, label="rate", args=pk("scorecard"),
              data=lambda w: {"rating": 4, "comment": "响应及时"}),
         post(302, may=OWN_AGENT, sees=TEAM, label="self-assess", args=pk("scorecard"),
              data=lambda w: {"rating": 4, "comment": "本月按时完成", "as": "self"}),
         post(302, may=SUPERVISORS, sees=TEAM, label="training note", args=pk("scorecard"),
              data=lambda w: {"as": "training", "topic": "服务用语", "due_date": "2026-12-15"})),
    # Conduct records: everyone reads their own; supervisors record for the agents of their teams (the agent is
    # named in the body: another team's supervisor gets the field error).
    page("kpi:conduct",
         get(),
         post(302, may=SUPERVISORS, sees=TEAM, unseen=400, label="record a violation",
              data=lambda w: {"agent": w.agent.pk, "kind": "violation", "category": "attitude",
                              "date": "2026-11-03", "note": "语气生硬"})),
    api("kpi-summary",
        get(may=SUPERVISORS),
        # A team outside the reader's is refused like an unknown one (docs/kpi.md#api).
        get(may=SUPERVISORS, sees=TEAM, unseen=400, label="of a team", query=lambda w: {"team": w.team.pk})),
    api("kpi-review-breakdown",
        get(may=SUPERVISORS, query=lambda w: {"by": "shop"}),
        get(may=SUPERVISORS, sees=TEAM, unseen=400, label="of a team", query=lambda w: {"by": "agent", "team": w.team.pk})),
    api("kpi-definitions", get(may=SUPERVISORS)),
    # The conduct record: everyone lists their own; supervisors record for their teams' agents (another team's
    # agent is a field error on agent, like on the page).
    api("kpi-conduct-list",
        get(),
        post(201, may=SUPERVISORS, sees=TEAM, unseen=400, label="record a violation",
             data=lambda w: {"agent": w.agent.pk, "kind": "violation", "category": "attitude",
                             "date": "2026-11-03", "note": "语气生硬"})),
    api("kpi-report-list",
        get(may=SUPERVISORS),
        post(202, may=SUPERVISORS, data=report_period)),
    api("kpi-report-detail",
        get(may=SUPERVISORS, sees=OWN_SUPERVISOR, label="an export", args=pk("export")),
        get(may=SUPERVISORS, sees=MANAGERS, label="the monthly report", args=pk("monthly_report"))),
    api("kpi-report-download",
        get(may=SUPERVISORS, sees=OWN_SUPERVISOR, label="an export", args=pk("export")),
        get(may=SUPERVISORS, sees=MANAGERS, label="the monthly report", args=pk("monthly_report"),
            query=lambda w: {"file_format": "csv"})),
    api("kpi-scorecard-list", get()),
    api("kpi-scorecard-detail", get(sees=TEAM, args=pk("scorecard"))),
    # Supervisors rate the agents of their teams (managers every team's); nobody rates their own card.
    api("kpi-scorecard-rate", post(200, may=SUPERVISORS, sees=TEAM, args=pk("scorecard"),
                                   data=lambda w: {"rating": 4, "comment": "响应及时"})),
    # Only the agent assesses their own month.
    api("kpi-scorecard-self-assess", post(200, may=OWN_AGENT, sees=TEAM, args=pk("scorecard"),
                                          data=lambda w: {"rating": 4, "comment": "本月按时完成"})),
)

BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}


def encode(probe: Probe, kind: str, body) -> tuple[bytes | dict | None, str | None]:
    """Return the request body and its content type (None: the test client's multipart form)."""
    if body is None:
        return None, None
    encoding = probe.encoding or ("json" if kind == API else "multipart")
    if encoding == "json":
        return json.dumps(body).encode(), "application/json"
    if encoding == "multipart":
        return body, None
    return body, encoding
