"""Server-rendered ticket pages: the ticket workspace and its actions (the lists are in views_list.py)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from customers.privacy import mask_text
from customers.selectors import customer_may_open
from customers.services import RevealLimitReached
from helpdesk.models import User
from tickets import presence, services, workflow
from tickets.bulk import tickets_bulk_apply
from tickets.attachments import attachment_response
from tickets.forms import (
    DecisionForm,
    EscalateForm,
    MergeForm,
    RemedyForm,
    ReplyForm,
    StepCompleteForm,
    TaskForm,
    TicketFieldsForm,
    TransferForm,
    TransitionForm,
)
from tickets.models import InternalTask, Remedy, Tag, Ticket, TicketMessage
from tickets.pick_lists import category_options, pick_lists, tag_options, team_options
from tickets.privacy import ticket_text_reveal
from tickets.selectors import (
    attachment_get_for_user,
    assignable_users,
    canned_replies_for,
    canned_reply_render,
    customer_card_with_history,
    escalation_level,
    remedy_limit_for,
    reply_draft_get,
    service_phrases_for_typing,
    ticket_events,
    ticket_get_for_user,
    ticket_list_for_user,
    ticket_message_get,
    ticket_thread_for_viewer,
    ticket_view_counts_forget,
)
from tickets.workflow import TransitionNotAllowed


class TicketBulkView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Apply one bulk-bar action to the selected tickets, then go back to the list with a summary."""

    permission_required = "tickets.change_ticket"

    def post(self, request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = reverse("tickets:inbox")
        value = request.POST.get("value")
        if request.POST.get("action") == "assign" and value == "none":
            value = None
        try:
            result = tickets_bulk_apply(actor=request.user, ticket_ids=request.POST.getlist("tickets"),
                                        action=request.POST.get("action", ""), value=value)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    messages.error(request, f"{BULK_FIELDS.get(field, field)}: {error}")
            return redirect(back)
        updated, skipped = result["updated"], result["skipped"]
        summary = _("Updated %(updated)s, skipped %(skipped)s.") % {"updated": len(updated), "skipped": len(skipped)}
        (messages.success if updated or not skipped else messages.warning)(request, summary)
        for entry in skipped:
            messages.warning(request, f"{entry['number'] or '#' + str(entry['ticket'])}: {entry['reason']}")
        return redirect(back)


BULK_FIELDS = {"tickets": gettext_lazy("Tickets"), "action": gettext_lazy("Action"), "value": gettext_lazy("Value")}


class TicketDetailView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The ticket workspace: thread, customer card, complaint progress, history and actions."""

    permission_required = "tickets.view_ticket"

    def get(self, request, pk):
        return ticket_page(request, ticket_get_for_user(user=request.user, pk=pk))


def ticket_page(request, ticket, *, reply_form=None, language_hits=None, held_messages=(), held_with_files=False,
                status=200):
    """Render the ticket page for the viewer; ``held_messages`` are the new messages a held reply was written against."""
    # The SLA app builds on tickets: imported when used.
    from sla.selectors import complaint_progress, sla_history_labels, sla_running_timers

    user = request.user
    lists = pick_lists()  # the categories, teams and tags of the side panel's selects, read once
    events = list(ticket_events(ticket=ticket))
    thread = ticket_thread_for_viewer(ticket=ticket, viewer=user)
    card = customer_card_with_history(viewer=user, customer=ticket.customer, exclude_ticket=ticket)
    context = {
        "active_section": "tickets",
        "title": f"{ticket.number} {thread['subject']}",
        "ticket": ticket,
        "thread": thread,
        "events": events,
        "event_labels": sla_history_labels(values={v for e in events for v in (e.from_value, e.to_value)}),
        "progress": complaint_progress(ticket=ticket),
        "sla_timers": sla_running_timers(ticket_ids=[ticket.pk]).get(ticket.pk, []),
        "card": card,
        "customer_openable": customer_may_open(viewer=user, customer=ticket.customer),
        "openable_orders": _openable_orders(user, [*(o.pk for o in card["recent_orders"]), ticket.order_id]),
        "tasks": ticket.tasks.select_related("assignee", "team", "done_by").all(),
        "remedies": ticket.remedies.select_related("proposed_by", "decided_by").all(),
        "reply_form": reply_form or ReplyForm(),
        "draft": None if reply_form else reply_draft_get(ticket=ticket, author=user),
        "language_hits": language_hits,
        "held_messages": held_messages,
        "held_with_files": held_with_files,
        "newest_message_id": max((message.pk for message in thread["messages"]), default=0),
        "presence": presence.ticket_presence_others(ticket=ticket, viewer=user),
        "service_phrases": service_phrases_for_typing(),
        "is_first_reply": ticket.first_response_at is None,
        "priorities": Ticket.Priority.choices,
        "categories": category_options(active_only=True, lists=lists),
        "departments": InternalTask.Department.choices,
        "remedy_kinds": Remedy.Kind.choices,
        "teams": team_options(lists=lists),
        "transitions": [(s, label) for s, label in ticket._meta.get_field("status").choices if s in workflow.TRANSITIONS[ticket.status]],
        "assignees": assignable_users(ticket=ticket).only("pk", *User.LABEL_FIELDS),
        "remedy_limit": remedy_limit_for(user, cached=True),
        "can_change": user.has_perm("tickets.change_ticket"),
        "can_merge": user.has_perm("tickets.merge_ticket"),
        "can_approve": user.has_perm("tickets.approve_remedy"),
        "is_active": workflow.is_active(ticket.status),
        "escalation_level": escalation_level(ticket),
        "tags": ticket.tags.all(),
        "tag_names": tag_options(lists=lists),
    }
    return TemplateResponse(request, "tickets/ticket_detail.html", context, status=status)


def _openable_orders(user, order_ids) -> set[int]:
    """Return which of these orders the viewer may open, so the side panel links only those."""
    from orders.selectors import order_list_for_user  # the orders app builds on tickets: imported when used

    order_ids = [pk for pk in order_ids if pk]
    if not order_ids:
        return set()
    return set(order_list_for_user(user=user).filter(pk__in=order_ids).values_list("pk", flat=True))


class TicketRevealView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Reveal one masked message (or the description or subject) of a ticket with a reason, audited (an htmx fragment)."""

    permission_required = "tickets.view_ticket"

    def post(self, request, pk):
        ticket = ticket_get_for_user(user=request.user, pk=pk)
        message = None
        if request.POST.get("message"):
            message = ticket_message_get(ticket=ticket, pk=request.POST["message"])
            if message is None:
                raise Http404
        part = "subject" if message is None and request.POST.get("part") == "subject" else "description"
        context = {"ticket": ticket, "key": message.pk if message else part, "message_id": message.pk if message else "",
                   "fmt": message.body_format if message else ""}
        status = 200
        try:
            context["text"] = ticket_text_reveal(viewer=request.user, ticket=ticket, message=message,
                                                 reason=request.POST.get("reason", ""), part=part)
            context["revealed"] = True
        except ValidationError as exc:
            context["error"], status = " ".join(exc.messages), 400
        except RevealLimitReached as exc:
            context["error"], status = str(exc), 429
        except PermissionDenied as exc:  # the privacy policy
            context["error"], status = str(exc), 403
        if "error" in context:
            shown = message.body if message else getattr(ticket, part)
            context["text"], context["masked"] = mask_text(shown), True
        fragment = "subjecttext" if part == "subject" else "msgtext"
        return TemplateResponse(request, f"tickets/ticket_detail.html#{fragment}", context,
                                status=200 if request.htmx else status)


class CannedReplySearchView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The canned replies matching what the agent types, filled in for this ticket (htmx fragment, or JSON for the reply box)."""

    permission_required = "tickets.view_ticket"

    def get(self, request, pk):
        ticket = ticket_get_for_user(user=request.user, pk=pk)
        replies = [
            {"reply": reply, "body": canned_reply_render(reply=reply, ticket=ticket)}
            for reply in canned_replies_for(user=request.user, q=request.GET.get("q", ""))[:8]
        ]
        if request.GET.get("format") == "json":  # the reply box's "/" picker (static/js/canned.js)
            return JsonResponse({"replies": [{"shortcut": item["reply"].shortcut, "title": item["reply"].title,
                                              "body": item["body"]} for item in replies]})
        return TemplateResponse(request, "tickets/ticket_detail.html#canned", {"replies": replies})


class TicketPresenceView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A heartbeat from the ticket page (viewing, replying or left); answers who else is there (htmx fragment)."""

    permission_required = "tickets.view_ticket"

    def post(self, request, pk):
        ticket = ticket_get_for_user(user=request.user, pk=pk)
        state = request.POST.get("state", "")
        if state not in presence.STATES:
            return HttpResponseBadRequest(_("State must be one of: %(states)s.") % {"states": ", ".join(presence.STATES)},
                                          content_type="text/plain; charset=utf-8")
        presence.ticket_presence_report(ticket=ticket, user=request.user, state=state)
        return TemplateResponse(request, "tickets/ticket_detail.html#presence",
                                {"presence": presence.ticket_presence_others(ticket=ticket, viewer=request.user)})


class TicketActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """One POST action on a ticket (reply, assign, claim, …): parse, call the service, go back to the page."""

    permission_required = "tickets.change_ticket"

    def post(self, request, pk, action):
        ticket = ticket_get_for_user(user=request.user, pk=pk)
        handler = ACTIONS.get(action)
        if handler is None:
            raise Http404
        try:
            response = handler(request, ticket)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        except services.ClaimConflict as exc:
            messages.error(request, str(exc))
        else:
            if response is not None:
                return response
        ticket_view_counts_forget(user_ids=[request.user.pk, ticket.assignee_id, ticket.team.supervisor_id])
        return redirect("tickets:ticket_detail", pk=ticket.pk)


def _form(form_class, request):
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                               for f, e in form.errors.items()])
    return form.cleaned_data


def reply(request, ticket):
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return ticket_page(request, ticket, reply_form=form, status=400)
    data = form.cleaned_data
    uploads = request.FILES.getlist("files")
    if not data["internal"] and not data["confirm_language"]:
        hits = services.service_language_check(ticket=ticket, actor=request.user, body=data["body"])
        if hits:
            confirm = ReplyForm(initial={"body": data["body"], "internal": False, "confirm_language": True})
            return ticket_page(request, ticket, reply_form=confirm, language_hits=hits)
    try:
        services.ticket_message_add(ticket=ticket, actor=request.user, body=data["body"],
                                    sender=TicketMessage.Sender.AGENT, is_internal=data["internal"], attachments=uploads,
                                    after_message=None if data["confirm"] else data["after_message"])
    except services.NewerMessages as exc:  # held: the agent reads what arrived, then sends again or anyway
        held = ReplyForm(initial={"body": data["body"], "confirm_language": data["confirm_language"]})
        return ticket_page(request, ticket, reply_form=held, held_messages=exc.message_ids, held_with_files=bool(uploads),
                           status=409)
    messages.success(request, _("Internal note added.") if data["internal"] else _("Reply sent."))
    return None


def draft(request, ticket):
    """Keep the reply box's text as the agent types (static/tickets/drafts.js); answer JSON."""
    try:
        kept = services.reply_draft_save(ticket=ticket, author=request.user, body=request.POST.get("body", ""),
                                         is_internal=request.POST.get("internal") in ("1", "on", "true"))
    except ValidationError as exc:
        return JsonResponse(exc.message_dict, status=400)
    ticket_view_counts_forget(user_ids=[request.user.pk])
    return JsonResponse({"saved": kept is not None, "updated_at": kept.updated_at.isoformat() if kept else None})


def update_fields(request, ticket):
    data = _form(TicketFieldsForm, request)
    services.ticket_update(ticket=ticket, actor=request.user, **data)


def assign(request, ticket):
    assignee_id = request.POST.get("assignee") or None
    assignee = get_object_or_404(assignable_users(ticket=ticket), pk=assignee_id) if assignee_id else None
    services.ticket_assign(ticket=ticket, actor=request.user, assignee=assignee)


def claim(request, ticket):
    services.ticket_claim(ticket=ticket, actor=request.user)
    messages.success(request, _("The ticket is yours."))


def transition(request, ticket):
    data = _form(TransitionForm, request)
    services.ticket_transition(ticket=ticket, actor=request.user, status=data["status"], note=data["note"])


def escalate(request, ticket):
    data = _form(EscalateForm, request)
    ticket = services.ticket_escalate(ticket=ticket, actor=request.user, reason=data["reason"])
    messages.success(request, _("Escalated to %(name)s.") % {"name": ticket.escalated_to})


def transfer(request, ticket):
    data = _form(TransferForm, request)
    services.ticket_transfer(ticket=ticket, actor=request.user, team=data["team"], note=data["note"])
    if ticket_list_for_user(user=request.user).filter(pk=ticket.pk).exists():
        return None
    messages.success(request, _("Transferred to %(team)s.") % {"team": data["team"]})
    return redirect("tickets:inbox")


def task_add(request, ticket):
    data = _form(TaskForm, request)
    services.internal_task_create(ticket=ticket, actor=request.user, **data)


def task_done(request, ticket):
    task = get_object_or_404(InternalTask, pk=request.POST.get("task"), ticket=ticket)
    services.internal_task_set_done(task=task, actor=request.user, is_done=request.POST.get("is_done") == "1")


def remedy_add(request, ticket):
    data = _form(RemedyForm, request)
    remedy = services.remedy_propose(ticket=ticket, actor=request.user, **data)
    if remedy.status == Remedy.Status.AWAITING_APPROVAL:
        messages.info(request, _("The remedy is above your limit and waits for a supervisor's approval."))


def remedy_decide(request, ticket):
    if not request.user.has_perm("tickets.approve_remedy"):
        raise PermissionDenied
    remedy = get_object_or_404(Remedy, pk=request.POST.get("remedy"), ticket=ticket)
    data = _form(DecisionForm, request)
    services.remedy_decide(remedy=remedy, actor=request.user, approve=request.POST.get("decision") == "approve",
                           reason=data["reason"])


def remedy_agree(request, ticket):
    remedy = get_object_or_404(Remedy, pk=request.POST.get("remedy"), ticket=ticket)
    services.remedy_record_agreement(remedy=remedy, actor=request.user)


def remedy_done(request, ticket):
    remedy = get_object_or_404(Remedy, pk=request.POST.get("remedy"), ticket=ticket)
    services.remedy_mark_done(remedy=remedy, actor=request.user)


def step_complete(request, ticket):
    data = _form(StepCompleteForm, request)
    services.ticket_step_complete(ticket=ticket, actor=request.user, step=data["step"], note=data["note"])
    messages.success(request, _("Step completed."))


def merge(request, ticket):
    if not request.user.has_perm("tickets.merge_ticket"):
        raise PermissionDenied
    number = _form(MergeForm, request)["into"].strip().upper()
    target = ticket_list_for_user(user=request.user).filter(number=number).first()
    if target is None:
        raise ValidationError(_("No ticket %(number)s that you may see.") % {"number": number})
    services.ticket_merge(source=ticket, target=target, actor=request.user)
    messages.success(request, _("Merged into %(number)s.") % {"number": target.number})
    return redirect("tickets:ticket_detail", pk=target.pk)


def tag_add(request, ticket):
    tag = services.tag_get_or_create(actor=request.user, name=request.POST.get("tag", ""))
    services.ticket_tag_add(ticket=ticket, actor=request.user, tag=tag)


def tag_remove(request, ticket):
    tag = get_object_or_404(Tag, pk=request.POST.get("tag") if str(request.POST.get("tag", "")).isdigit() else None)
    services.ticket_tag_remove(ticket=ticket, actor=request.user, tag=tag)


def call(request, ticket):
    # Logging calls is the channels app's, which builds on tickets: imported when used.
    from channels.views import call_on_ticket

    return call_on_ticket(request, ticket)


def email_resend(request, ticket):
    from channels.views import email_resend_on_ticket  # the channels app builds on tickets: imported when used

    return email_resend_on_ticket(request, ticket)


def tracker_send(request, ticket):
    from channels.views import tracker_send_on_ticket  # the channels app builds on tickets: imported when used

    return tracker_send_on_ticket(request, ticket)


def call_new(request):
    """Log a call: the channels app's page, under the name it has among the ticket pages (``tickets:call_new``)."""
    from channels.views import PhoneCallNewView  # the channels app builds on tickets: imported when used

    return PhoneCallNewView.as_view()(request)


ACTIONS = {
    "reply": reply, "draft": draft, "update": update_fields, "assign": assign, "claim": claim, "transition": transition,
    "escalate": escalate, "transfer": transfer, "task": task_add, "task-done": task_done, "remedy": remedy_add,
    "remedy-decide": remedy_decide, "remedy-agree": remedy_agree, "remedy-done": remedy_done, "merge": merge,
    "step": step_complete, "tag-add": tag_add, "tag-remove": tag_remove,
    "call": call, "email-resend": email_resend, "tracker-send": tracker_send,
}


class AttachmentDownloadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """One ticket attachment, only for someone who may see its ticket (there is no public media URL)."""

    permission_required = "tickets.view_ticket"

    def get(self, request, pk):
        return attachment_response(attachment_get_for_user(user=request.user, pk=pk))
