"""Every write to tickets: lock, check, save, record an event, in one transaction."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.contacts import phone_normalize
from customers.models import Customer, CustomerContact
from customers.privacy import mask_text
from customers.services import customer_create
from helpdesk import live
from helpdesk.errors import Conflict
from helpdesk.sequences import daily_number
from helpdesk.teams import team_member_ids, team_members_by_team
from tickets import workflow
from tickets.attachments import attachment_validate
from tickets.filters import saved_query_clean
from tickets.models import (
    Attachment,
    CannedReply,
    DepartmentTeam,
    ForbiddenPhrase,
    InternalTask,
    Remedy,
    ReplyDraft,
    SavedView,
    ServiceLanguageHit,
    Tag,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStep,
)
from tickets.sanitizer import sanitize_html
from tickets.links import order_link_check
from tickets.selectors import (
    ESCALATION_LEVELS,
    approvers_for,
    canned_reply_can_manage,
    escalation_holder,
    escalation_level,
    remedy_granted_total,
    remedy_limit_for,
    ticket_messages_newer,
)
from tickets.signals import remedy_agreed, ticket_queued

# A change to any of these moves the ticket's SLA deadlines.
SLA_FIELDS = {"status", "priority", "category", "kind", "channel"}


class ClaimConflict(Conflict):
    """The ticket was claimed by someone else first (409)."""

    def __init__(self, assignee):
        self.assignee = assignee
        super().__init__(_("Already claimed by %(name)s.") % {"name": assignee})


class NewerMessages(Conflict):
    """A reply was written against a thread that has since received public messages (409)."""

    def __init__(self, message_ids: list[int]):
        self.message_ids = message_ids
        super().__init__(ngettext(
            "%(count)d new message arrived while you were typing; read it and send again (or confirm).",
            "%(count)d new messages arrived while you were typing; read them and send again (or confirm).",
            len(message_ids)) % {"count": len(message_ids)})

    def payload(self) -> dict:
        return {"newer_messages": self.message_ids}


def _event(ticket, kind, actor, from_value="", to_value="", note=""):
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, from_value=str(from_value or "")[:128],
        to_value=str(to_value or "")[:128], note=note,
    )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _sla_refresh(ticket: Ticket) -> None:
    # The SLA app builds on tickets (imports them at its top): called back lazily, in this transaction.
    from sla.services import ticket_sla_refresh, ticket_steps_refresh

    ticket_sla_refresh(ticket=ticket)
    ticket_steps_refresh(ticket=ticket)


def _step_done(ticket: Ticket, step: str, actor, *, source: str, note: str = "", at=None,
               with_event: bool = False) -> TicketStep | None:
    """Record a complaint step as completed once and meet its deadline; None when it was already done.

    Runs in the caller's transaction, which holds the ticket's row lock (or created the ticket). A step implied
    by a ticket action is recorded beside that action's own event; ``with_event`` records a step event too
    (an explicit completion, or one implied by another app's work).
    """
    if TicketStep.objects.filter(ticket=ticket, step=step).exists():
        return None
    done = TicketStep.objects.create(ticket=ticket, step=step, completed_at=at or timezone.now(),
                                     completed_by=actor if getattr(actor, "pk", None) else None, source=source,
                                     note=note)
    if with_event:
        _event(ticket, TicketEvent.Kind.STEP_DONE, actor, to_value=step, note=note)
    # Step deadlines are the SLA app's, which builds on tickets: called back lazily, in this transaction.
    from sla.services import ticket_step_deadline_meet

    ticket_step_deadline_meet(ticket=ticket, step=step, at=done.completed_at)
    return done


def _touch(ticket: Ticket, fields: list[str], *, actor=None, live_kind: str = "", addressed=()) -> None:
    """Save the changed fields with a fresh ``updated_at``, refresh the SLA if they move it, announce the change live."""
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "updated_at"])
    if SLA_FIELDS.intersection(fields):
        _sla_refresh(ticket)
    if not live_kind:
        live_kind = live.ASSIGNED if "assignee" in fields else live.STATUS if "status" in fields else live.UPDATED
    live.ticket_live_publish(ticket=ticket, kind=live_kind, actor=actor, addressed=addressed)


def _move(ticket: Ticket, *, actor, target: str, note: str = "") -> None:
    """Change the locked ticket's status with its timestamps and event; caller saves."""
    workflow.ensure_allowed(ticket.status, target)
    previous = ticket.status
    ticket.status = target
    now = timezone.now()
    if target == workflow.RESOLVED:
        ticket.resolved_at = now
    elif target == workflow.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    elif previous in (workflow.RESOLVED,):
        ticket.resolved_at = None
    _event(ticket, TicketEvent.Kind.STATUS, actor, previous, target, note)


@transaction.atomic
def customer_find_or_create(*, actor=None, name: str, phone: str = "", email: str = "") -> Customer:
    """Return the customer with this phone in any format (else e-mail), creating the archive through the customers app."""
    phone, email = (phone or "").strip(), (email or "").strip()
    if not phone and not email:
        raise ValidationError({"customer_contact": [_("Give a phone number or an e-mail address.")]})
    contacts = CustomerContact.objects.filter(customer__merged_into__isnull=True).order_by("customer_id")
    customer_id = None
    if phone and phone_normalize(phone):
        customer_id = contacts.filter(normalized=phone_normalize(phone)).values_list("customer_id", flat=True).first()
    if customer_id is None and email:
        customer_id = contacts.filter(normalized=email.lower()).values_list("customer_id", flat=True).first()
    if customer_id is not None:
        return Customer.objects.get(pk=customer_id)
    try:
        return customer_create(actor=actor, name=(name or phone or email).strip()[:64],
                               phones=[phone] if phone else [], emails=[email] if email else [])
    except ValidationError as error:
        raise ValidationError({"customer_contact": error.messages}) from None


@transaction.atomic
def ticket_create(
    *,
    actor,
    customer,
    team,
    subject: str,
    description: str = "",
    kind: str = Ticket.Kind.CONSULTATION,
    channel: str = Ticket.Channel.CHAT,
    priority: str = Ticket.Priority.NORMAL,
    category=None,
    order=None,
    assignee=None,
    created_at=None,
) -> Ticket:
    """Create a ticket with a fresh number (投诉编号) and record its intake (投诉受理).

    ``created_at`` keeps the real intake time of a contact filed later (a chat filed when it ends).
    """
    if order is not None and order.customer_id != customer.pk:
        raise ValidationError({"order": [_("The order belongs to another customer.")]})
    order_link_check(actor=actor, order=order)
    ticket = Ticket.objects.create(
        number=daily_number(prefix="T"),
        subject=subject,
        description=sanitize_html(description),
        kind=kind,
        channel=channel,
        priority=priority,
        category=category,
        customer=customer,
        order=order,
        team=team,
        assignee=assignee,
        status=Ticket.Status.OPEN if assignee else Ticket.Status.NEW,
    )
    if created_at is not None:
        Ticket.objects.filter(pk=ticket.pk).update(created_at=created_at)
        ticket.created_at = created_at
    _event(ticket, TicketEvent.Kind.CREATED, actor, to_value=ticket.status)
    _step_done(ticket, TicketStep.Step.INTAKE, actor, source=TicketEvent.Kind.CREATED, at=ticket.created_at)
    if category is not None:
        _event(ticket, TicketEvent.Kind.CATEGORY, actor, to_value=category)
        _step_done(ticket, TicketStep.Step.CLASSIFICATION, actor, source=TicketEvent.Kind.CATEGORY,
                   at=ticket.created_at)
    _sla_refresh(ticket)
    if assignee is None:
        _queued_announce(ticket)
    live.ticket_live_publish(ticket=ticket, kind=live.CREATED, actor=actor,
                             addressed=[assignee] if assignee is not None and assignee != actor else [])
    return ticket


@transaction.atomic
def ticket_message_add(
    *, ticket: Ticket, actor, body: str, sender: str, is_internal: bool = False, attachments=(), send_email: bool = True,
    created_at=None, body_format: str = TicketMessage.BodyFormat.TEXT, after_message: int | None = None,
    language_findings=None,
) -> TicketMessage:
    """Add a message to a ticket; the first agent reply sets 首次响应时间 once; a reply on an e-mail ticket is mailed.

    Plain text is kept as written (escaped where it is shown); HTML (an e-mail's HTML part) is cleaned to the
    safe subset. ``created_at`` keeps the real time of a message written elsewhere first (a chat transcript),
    ``language_findings`` the service-language findings recorded when it was sent there.
    With ``after_message`` (the newest message the writer had seen) a public message is held, raising
    ``NewerMessages``, when others have written on the ticket since; an internal note is never held.
    """
    body = sanitize_html(body) if body_format == TicketMessage.BodyFormat.HTML else (body or "").strip()
    if not body and not attachments:
        raise ValidationError({"body": [_("The message is empty.")]})
    ticket = _locked(ticket)
    if after_message is not None and not is_internal:
        newer = ticket_messages_newer(ticket=ticket, after_message=after_message, reader=actor)
        if newer:
            raise NewerMessages(newer)
    message = TicketMessage.objects.create(
        ticket=ticket, sender=sender, author=actor, body=body, body_format=body_format, is_internal=is_internal
    )
    if created_at is not None:
        TicketMessage.objects.filter(pk=message.pk).update(created_at=created_at)
        message.created_at = created_at
    fields = []
    if sender == TicketMessage.Sender.AGENT and not is_internal and body_format == TicketMessage.BodyFormat.TEXT:
        _service_language_record(message=message, actor=actor, is_first_reply=ticket.first_response_at is None,
                                 findings=language_findings)
    if sender == TicketMessage.Sender.AGENT and not is_internal and ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        fields.append("first_response_at")
    if sender == TicketMessage.Sender.AGENT:
        _event(ticket, TicketEvent.Kind.NOTE if is_internal else TicketEvent.Kind.REPLIED, actor)
        ReplyDraft.objects.filter(ticket=ticket, author=actor).delete()  # the draft is sent
        if is_internal:  # the first investigation note (问题调查)
            _step_done(ticket, TicketStep.Step.INVESTIGATION, actor, source=TicketEvent.Kind.NOTE,
                       at=message.created_at)
    elif sender == TicketMessage.Sender.CUSTOMER and ticket.status in (workflow.PENDING_CUSTOMER, workflow.RESOLVED):
        _move(ticket, actor=None, target=workflow.OPEN)
        fields.append("status")
        fields.append("resolved_at")
    for upload in attachments:
        _attachment_save(ticket=ticket, actor=actor, upload=upload, message=message)
    replied = sender == TicketMessage.Sender.CUSTOMER and ticket.assignee_id
    _touch(ticket, fields, actor=actor, live_kind=live.MESSAGE, addressed=[ticket.assignee_id] if replied else [])
    # SLA builds on tickets: its next-response clock is called back lazily, in this transaction.
    from sla.services import ticket_sla_message_added

    ticket_sla_message_added(ticket=ticket, message=message)
    if send_email:
        # The channels app builds on tickets: a reply on an e-mail ticket is handed to it lazily, to be mailed.
        from channels.mail import ticket_email_reply_queue

        ticket_email_reply_queue(message=message)
    return message


@transaction.atomic
def ticket_tracker_renew(*, ticket: Ticket, actor, channel: str) -> Ticket:
    """Void the ticket's tracking links issued so far and record that a fresh one goes out on ``channel``."""
    ticket = _locked(ticket)
    ticket.tracker_valid_from = timezone.now()
    ticket.save(update_fields=["tracker_valid_from"])
    _event(ticket, TicketEvent.Kind.TRACKER_SENT, actor, to_value=channel)
    return ticket


def phrases_in(text: str, kinds) -> list[ForbiddenPhrase]:
    """Return the active service phrases of the given kinds that occur in the text (case-insensitive)."""
    text = (text or "").lower()
    return [p for p in ForbiddenPhrase.objects.filter(is_active=True, kind__in=kinds) if p.phrase.lower() in text]


def service_language_check(*, ticket: Ticket, actor, body: str) -> list[ForbiddenPhrase]:
    """Return the forbidden and discouraged phrases (服务用语规范) in a draft reply and record that the check fired."""
    found = phrases_in(body, ForbiddenPhrase.WARNED)
    if found:
        ServiceLanguageHit.objects.bulk_create(
            [ServiceLanguageHit(phrase=phrase, kind=phrase.kind, ticket=ticket, user=actor) for phrase in found]
        )
    return found


def service_language_findings(*, text: str, is_first_reply: bool) -> list[tuple[ForbiddenPhrase | None, str]]:
    """Return a sent reply's findings as (phrase, kind): each forbidden or discouraged phrase, and a first reply without a greeting."""
    text = (text or "").lower()
    active = list(ForbiddenPhrase.objects.filter(is_active=True))
    found = [(p, p.kind) for p in active if p.kind in ForbiddenPhrase.WARNED and p.phrase.lower() in text]
    greetings = [p for p in active if p.kind == ForbiddenPhrase.Kind.GREETING]
    if is_first_reply and greetings and not any(p.phrase.lower() in text for p in greetings):
        found.append((None, ForbiddenPhrase.Kind.GREETING))
    return found


def _service_language_record(*, message: TicketMessage, actor, is_first_reply: bool, findings=None) -> None:
    """Record a sent reply's findings, or the ``findings`` recorded when it was first sent elsewhere (a chat)."""
    if findings is None:
        findings = service_language_findings(text=message.body, is_first_reply=is_first_reply)
    ServiceLanguageHit.objects.bulk_create([
        ServiceLanguageHit(phrase=phrase, kind=kind, ticket_id=message.ticket_id, message=message, user=actor)
        for phrase, kind in findings])


def _attachment_save(*, ticket, actor, upload, message=None) -> Attachment:
    content_type = attachment_validate(upload)
    attachment = Attachment.objects.create(
        ticket=ticket, message=message, file=upload, name=upload.name[:200], content_type=content_type,
        size=upload.size, uploaded_by=actor,
    )
    _event(ticket, TicketEvent.Kind.ATTACHMENT, actor, to_value=attachment.name)
    return attachment


@transaction.atomic
def ticket_attachment_add(*, ticket: Ticket, actor, upload) -> Attachment:
    """Attach an image or PDF to a ticket after checking its type and size."""
    ticket = _locked(ticket)
    attachment = _attachment_save(ticket=ticket, actor=actor, upload=upload)
    _touch(ticket, [], actor=actor)
    return attachment


def _queued_announce(ticket: Ticket) -> None:
    """Announce after commit that the ticket waits unassigned in its team's queue."""
    transaction.on_commit(lambda pk=ticket.pk: ticket_queued.send(sender=Ticket, ticket_id=pk))


def _ensure_member(team, user, field: str) -> None:
    if user.pk not in team_member_ids(team=team):
        raise ValidationError({field: [_("%(user)s is not in team %(team)s.") % {"user": user, "team": team}]})


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor, assignee, note: str = "") -> Ticket:
    """Give the ticket to a member of its team (or take it away with None), with an optional reason."""
    ticket = _locked(ticket)
    if assignee is not None:
        _ensure_member(ticket.team, assignee, "assignee")
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    previous = ticket.assignee
    ticket.assignee = assignee
    fields = ["assignee"]
    if assignee is not None and ticket.status == workflow.NEW:
        _move(ticket, actor=actor, target=workflow.OPEN)
        fields.append("status")
    _event(ticket, TicketEvent.Kind.ASSIGNED, actor, previous or "", assignee or "", note)
    _touch(ticket, fields, actor=actor, addressed=[assignee] if assignee is not None and assignee != actor else [])
    if assignee is None:
        _queued_announce(ticket)
    return ticket


@transaction.atomic
def ticket_claim(*, ticket: Ticket, actor) -> Ticket:
    """Take an unassigned ticket; of two agents claiming at once exactly one wins."""
    _ensure_member(ticket.team, actor, "assignee")
    claimed = Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(assignee=actor)
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=ticket.pk)
    if not claimed:
        if ticket.assignee_id == actor.pk:
            return ticket
        raise ClaimConflict(ticket.assignee)
    fields = []
    if ticket.status == workflow.NEW:
        _move(ticket, actor=actor, target=workflow.OPEN)
        fields.append("status")
    _event(ticket, TicketEvent.Kind.ASSIGNED, actor, "", actor, _("claimed"))
    _touch(ticket, fields, actor=actor, live_kind=live.ASSIGNED)
    return ticket


@transaction.atomic
def ticket_transition(*, ticket: Ticket, actor, status: str, note: str = "") -> Ticket:
    """Move the ticket to another status the workflow allows, with an optional note."""
    ticket = _locked(ticket)
    _move(ticket, actor=actor, target=status, note=note)
    if status in (workflow.RESOLVED, workflow.CLOSED):  # the agent confirmed the outcome with the customer
        _step_done(ticket, TicketStep.Step.FEEDBACK, actor, source=TicketEvent.Kind.STATUS, note=note)
    if status == workflow.RESOLVED:
        _closing_record(ticket)
    _touch(ticket, ["status", "resolved_at", "closed_at"], actor=actor)
    return ticket


def _closing_record(ticket: Ticket) -> None:
    """Record a missing closing when the last public agent reply of a resolved ticket holds no expected closing."""
    closings = [p.phrase.lower() for p in ForbiddenPhrase.objects.filter(is_active=True, kind=ForbiddenPhrase.Kind.CLOSING)]
    last = ticket.messages.filter(sender=TicketMessage.Sender.AGENT, is_internal=False).order_by("-created_at", "-pk") \
        .first()
    if not closings or last is None or any(phrase in last.body.lower() for phrase in closings):
        return
    ServiceLanguageHit.objects.get_or_create(kind=ForbiddenPhrase.Kind.CLOSING, message=last,
                                             defaults={"ticket": ticket, "user": last.author})


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, actor, reason: str, level: str = "") -> Ticket:
    """Escalate a ticket one level up (agent → team supervisor → manager), or to ``level`` when it is higher.

    A major complaint goes to the supervisor (重大投诉由主管处理) and on to the manager; the one who holds
    it is told. A team without a supervisor escalates straight to a manager.
    """
    ticket = _locked(ticket)
    if not workflow.is_active(ticket.status):
        raise ValidationError({"status": [_("A resolved or closed ticket cannot be escalated.")]})
    current = escalation_level(ticket)
    target = ESCALATION_LEVELS.index(level) + 1 if level else current + 1
    if target <= current or target > len(ESCALATION_LEVELS):
        raise ValidationError({"level": [_("The ticket is already with the manager.") if current == len(ESCALATION_LEVELS)
                                         else _("The ticket is already escalated that far.")]})
    holder = escalation_holder(ticket=ticket, level=target)
    if holder is None and target == 1:
        target, holder = 2, escalation_holder(ticket=ticket, level=2)
    if holder is None:
        raise ValidationError({"reason": [_("Team %(team)s has nobody to escalate to.") % {"team": ticket.team}]})
    previous = ticket.escalated_to
    ticket.escalated_to, ticket.escalated_at = holder, timezone.now()
    fields = ["escalated_to", "escalated_at"]
    if ticket.priority in (Ticket.Priority.LOW, Ticket.Priority.NORMAL):
        _event(ticket, TicketEvent.Kind.PRIORITY, actor, ticket.priority, Ticket.Priority.HIGH)
        ticket.priority = Ticket.Priority.HIGH
        fields.append("priority")
    _event(ticket, TicketEvent.Kind.ESCALATED, actor, previous or "", holder, reason)
    _touch(ticket, fields, actor=actor)
    from sla.services import escalation_notify  # notifications live in the SLA app, which builds on tickets

    escalation_notify(ticket=ticket, holder=holder, actor=actor, reason=reason)
    return ticket


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor, **changes) -> Ticket:
    """Change the subject, priority or category, recording each change.

    A subject sent back as an agent was shown it, with its personal data masked, is no change: the stored
    subject stays as written.
    """
    ticket = _locked(ticket)
    kinds = {"subject": TicketEvent.Kind.SUBJECT, "priority": TicketEvent.Kind.PRIORITY, "category": TicketEvent.Kind.CATEGORY}
    fields = []
    for field, value in changes.items():
        if field not in kinds:
            raise ValidationError({field: [_("This field cannot be changed here.")]})
        previous = getattr(ticket, field)
        if previous == value or (field == "subject" and value == mask_text(previous)):
            continue
        setattr(ticket, field, value)
        fields.append(field)
        _event(ticket, kinds[field], actor, previous or "", value or "")
        if field == "category" and value is not None:
            _step_done(ticket, TicketStep.Step.CLASSIFICATION, actor, source=TicketEvent.Kind.CATEGORY)
    if fields:
        _touch(ticket, fields, actor=actor)
    return ticket


@transaction.atomic
def ticket_transfer(*, ticket: Ticket, actor, team, note: str = "") -> Ticket:
    """Hand the ticket to another team; the assignee stays only if they belong to it."""
    ticket = _locked(ticket)
    if ticket.team_id == team.pk:
        return ticket
    previous = ticket.team
    ticket.team = team
    fields = ["team"]
    if ticket.assignee_id and ticket.assignee_id not in team_member_ids(team=team):
        _event(ticket, TicketEvent.Kind.ASSIGNED, actor, ticket.assignee, "")
        ticket.assignee = None
        fields.append("assignee")
    _event(ticket, TicketEvent.Kind.TEAM, actor, previous, team, note)
    _touch(ticket, fields, actor=actor)
    live.queue_live_publish(team_id=previous.pk if previous else None)
    if ticket.assignee_id is None:
        _queued_announce(ticket)
    return ticket


# Internal tasks (部门任务): routed to the department's team, claimed by one of its people, swept like an SLA timer.

def internal_task_next_check() -> Case:
    """Return the expression of a task's next sweep: its warning, its due time, its escalation, or none once all is recorded."""
    warn = dt.timedelta(minutes=settings.TASKS_WARN_BEFORE_MINUTES)
    grace = dt.timedelta(minutes=settings.TASKS_ESCALATE_AFTER_MINUTES)
    return Case(
        When(Q(is_done=True) | Q(due_at__isnull=True), then=Value(None)),
        When(warned_at__isnull=True, overdue_at__isnull=True, then=F("due_at") - warn),
        When(overdue_at__isnull=True, then=F("due_at")),
        When(escalated_at__isnull=True, then=F("due_at") + grace),
        default=Value(None), output_field=DateTimeField(),
    )


def internal_task_team_people(tasks) -> dict[int, list]:
    """Return who works each task when nobody holds it: its team's members, or its lead when it has none (one query)."""
    members = team_members_by_team(team_ids={task.team_id for task in tasks if task.team_id})
    return {task.pk: members.get(task.team_id) or [task.team.supervisor] for task in tasks if task.team_id}


def _task_next_check_write(task: InternalTask) -> None:
    InternalTask.objects.filter(pk=task.pk).update(next_check_at=internal_task_next_check())


def _task_notify(recipients, *, task: InternalTask, kind: str, text: str, actor=None) -> None:
    # Notifications live in the SLA app, which builds on tickets: reached when used.
    from sla.services import task_notify

    task_notify(recipients=[user for user in recipients if user is not None and user != actor], task=task, kind=kind,
                text=text)


@transaction.atomic
def internal_task_create(*, ticket: Ticket, actor, title: str, department: str = "", assignee=None,
                         due_at=None) -> InternalTask:
    """Ask another department for work (问题调查): the task goes to the department's team, whose people are told.

    The ticket then waits on internal. Without a team for the department (or a department) the task is
    the assignee's alone.
    """
    if not department and assignee is None:
        raise ValidationError({"department": [_("Choose a department or an assignee.")]})
    if due_at is not None and due_at <= timezone.now():
        raise ValidationError({"due_at": [_("The due time has passed; choose a later one.")]})
    mapping = DepartmentTeam.objects.select_related("team").filter(department=department).first() if department else None
    team = mapping.team if mapping else None
    ticket = _locked(ticket)
    task = InternalTask.objects.create(
        ticket=ticket, title=title, department=department, team=team, assignee=assignee, due_at=due_at,
        created_by=actor,
    )
    _task_next_check_write(task)
    _event(ticket, TicketEvent.Kind.TASK, actor, to_value=task.get_department_display() or assignee, note=title)
    _step_done(ticket, TicketStep.Step.INVESTIGATION, actor, source=TicketEvent.Kind.TASK)
    fields = []
    if workflow.PENDING_INTERNAL in workflow.TRANSITIONS[ticket.status]:
        _move(ticket, actor=actor, target=workflow.PENDING_INTERNAL)
        fields += ["status", "resolved_at"]
    _touch(ticket, fields, actor=actor)
    recipients = [assignee] if assignee else internal_task_team_people([task]).get(task.pk, [])
    _task_notify(recipients, task=task, kind="task", actor=actor,
                 text=_("%(number)s: new %(department)s task: %(title)s") % {
                     "number": ticket.number, "department": task.get_department_display() or _("internal"), "title": title})
    return task


def _task_locked(task: InternalTask) -> InternalTask:
    return InternalTask.objects.select_for_update(of=("self",)).select_related("ticket", "team").get(pk=task.pk)


@transaction.atomic
def internal_task_assign(*, task: InternalTask, actor, assignee) -> InternalTask:
    """Give an open task to one of its team's people (claiming is giving it to oneself); they are told."""
    ticket = _locked(task.ticket)  # the ticket first, then the task: the order every task write locks them in
    task = _task_locked(task)
    if task.is_done:
        raise ValidationError({"assignee": [_("The task is done already.")]})
    if task.team_id and assignee.pk not in team_member_ids(team=task.team):
        raise ValidationError({"assignee": [_("%(name)s is not in the team %(team)s.") % {
            "name": assignee, "team": task.team}]})
    if task.assignee_id == assignee.pk:
        return task
    previous = task.assignee
    task.assignee = assignee
    task.save(update_fields=["assignee"])
    _event(ticket, TicketEvent.Kind.TASK_ASSIGNED, actor, from_value=previous or "", to_value=assignee,
           note=task.title)
    _touch(ticket, [], actor=actor)
    _task_notify([assignee], task=task, kind="task", actor=actor,
                 text=_("%(number)s: task given to you: %(title)s") % {"number": task.ticket.number, "title": task.title})
    return task


def internal_task_claim(*, task: InternalTask, actor) -> InternalTask:
    """Take an open task of one's team; one someone else holds is not taken from them (409)."""
    with transaction.atomic():
        _locked(task.ticket)
        held = _task_locked(task)
        if held.assignee_id and held.assignee_id != actor.pk:
            raise ClaimConflict(held.assignee)
        return internal_task_assign(task=held, actor=actor, assignee=actor)


@transaction.atomic
def internal_task_set_done(*, task: InternalTask, actor, is_done: bool, note: str = "") -> InternalTask:
    """Mark an internal task done (with an optional note for the agent, who is told) or open again.

    When no task is left open the ticket is back with the agent.
    """
    ticket = _locked(task.ticket)
    task = _task_locked(task)
    if task.is_done == is_done:
        return task
    task.is_done, task.done_at = is_done, timezone.now() if is_done else None
    task.done_by, task.done_note = (actor, note) if is_done else (None, "")
    task.save(update_fields=["is_done", "done_at", "done_by", "done_note"])
    _task_next_check_write(task)
    if is_done:
        _event(ticket, TicketEvent.Kind.TASK_DONE, actor, to_value=task.get_department_display(),
               note=f"{task.title}: {note}" if note else task.title)
    fields = []
    if is_done and ticket.status == workflow.PENDING_INTERNAL and not ticket.tasks.filter(is_done=False).exists():
        _move(ticket, actor=actor, target=workflow.OPEN)
        fields.append("status")
    _touch(ticket, fields, actor=actor)
    if is_done:
        text = _("%(number)s: task done by %(who)s: %(title)s") % {
            "number": ticket.number, "who": actor, "title": task.title}
        _task_notify([ticket.assignee or task.created_by], task=task, kind="task_done", actor=actor,
                     text=f"{text} — {note}" if note else text)
    return task


# Remedies that pay the customer: they need an amount, and it counts against the approval limit.
MONEY_KINDS = frozenset({Remedy.Kind.REFUND, Remedy.Kind.COMPENSATION, Remedy.Kind.COUPON})


@transaction.atomic
def remedy_propose(*, ticket: Ticket, actor, kind: str, amount: Decimal | None, note: str = "") -> Remedy:
    """Propose a remedy (解决方案制定); when it takes the ticket's granted total above the proposer's limit it waits for a supervisor.

    The limit is on the total granted on the ticket, so splitting a remedy into smaller ones does not
    pass it; a refund, compensation or coupon needs an amount above zero.
    """
    if amount is not None and amount < 0:
        raise ValidationError({"amount": [_("The amount cannot be negative.")]})
    if kind in MONEY_KINDS and not amount:
        raise ValidationError({"amount": [_("A refund, compensation or coupon needs an amount above zero.")]})
    amount = amount or Decimal("0")
    ticket = _locked(ticket)
    if not workflow.is_active(ticket.status):
        raise ValidationError({"status": [_("A resolved or closed ticket takes no new remedy.")]})
    limit = remedy_limit_for(actor)
    needs_approval = limit is not None and remedy_granted_total(ticket=ticket) + amount > limit
    remedy = Remedy.objects.create(
        ticket=ticket, kind=kind, amount=amount, note=note, proposed_by=actor,
        status=Remedy.Status.AWAITING_APPROVAL if needs_approval else Remedy.Status.APPROVED,
    )
    _event(ticket, TicketEvent.Kind.REMEDY, actor, to_value=remedy, note=note)
    _step_done(ticket, TicketStep.Step.SOLUTION, actor, source=TicketEvent.Kind.REMEDY)
    fields = []
    if needs_approval and ticket.status != workflow.AWAITING_APPROVAL:
        if ticket.status != workflow.OPEN:
            _move(ticket, actor=actor, target=workflow.OPEN)
        _move(ticket, actor=actor, target=workflow.AWAITING_APPROVAL, note=_("Remedy above the limit of ¥%(limit)s") % {"limit": limit})
        fields += ["status", "resolved_at"]
    _touch(ticket, fields, actor=actor)
    if needs_approval:
        _approval_notify(ticket=ticket, recipients=approvers_for(team=ticket.team), text=_(
            "%(number)s: %(who)s asks approval of a %(kind)s of ¥%(amount)s") % {
            "number": ticket.number, "who": actor, "kind": remedy.get_kind_display(), "amount": amount})
    return remedy


def _approval_notify(*, ticket: Ticket, recipients, text: str, decided: bool = False) -> None:
    from sla.services import approval_notify  # notifications live in the SLA app, which builds on tickets

    approval_notify(recipients=recipients, ticket=ticket, text=text, decided=decided)


@transaction.atomic
def remedy_decide(*, remedy: Remedy, actor, approve: bool, reason: str = "") -> Remedy:
    """Approve or reject a remedy waiting for approval; the ticket returns to its agent."""
    ticket = _locked(remedy.ticket)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.status != Remedy.Status.AWAITING_APPROVAL:
        raise ValidationError({"status": [_("This remedy is not waiting for approval.")]})
    limit = remedy_limit_for(actor)
    if limit is not None and remedy.amount > limit:
        raise ValidationError({"amount": [_("The amount is above your own limit of ¥%(limit)s.") % {"limit": limit}]})
    if approve and limit is not None and remedy_granted_total(ticket=ticket) + remedy.amount > limit:
        raise ValidationError({"amount": [_("With the remedies already granted on this ticket the total is above your own "
                                            "limit of ¥%(limit)s.") % {"limit": limit}]})
    if not approve and not reason:
        raise ValidationError({"reason": [_("Give a reason for the rejection.")]})
    remedy.status = Remedy.Status.APPROVED if approve else Remedy.Status.REJECTED
    remedy.decided_by, remedy.decided_at, remedy.decision_reason = actor, timezone.now(), reason
    remedy.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _event(ticket, TicketEvent.Kind.REMEDY_APPROVED if approve else TicketEvent.Kind.REMEDY_REJECTED, actor,
           to_value=remedy, note=reason)
    if remedy.proposed_by_id and remedy.proposed_by_id != getattr(actor, "pk", None):
        text = (_("%(number)s: %(who)s approved the %(kind)s of ¥%(amount)s") if approve else
                _("%(number)s: %(who)s rejected the %(kind)s of ¥%(amount)s: %(reason)s"))
        _approval_notify(ticket=ticket, recipients=[remedy.proposed_by], decided=True, text=text % {
            "number": ticket.number, "who": actor, "kind": remedy.get_kind_display(), "amount": remedy.amount,
            "reason": reason})
    fields = []
    waiting = ticket.remedies.filter(status=Remedy.Status.AWAITING_APPROVAL).exists()
    if ticket.status == workflow.AWAITING_APPROVAL and not waiting:
        _move(ticket, actor=actor, target=workflow.OPEN)
        fields.append("status")
    _touch(ticket, fields, actor=actor)
    return remedy


def _remedy_advance(*, remedy: Remedy, actor, expected: str, target: str, event: str, refusal: str, step: str,
                    **fields) -> Remedy:
    ticket = _locked(remedy.ticket)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if remedy.status != expected:
        raise ValidationError({"status": [refusal]})
    remedy.status = target
    for name, value in fields.items():
        setattr(remedy, name, value)
    remedy.save(update_fields=["status", *fields])
    _event(ticket, event, actor, to_value=remedy)
    _step_done(ticket, step, actor, source=event)
    _touch(ticket, [], actor=actor)
    return remedy


@transaction.atomic
def remedy_record_agreement(*, remedy: Remedy, actor) -> Remedy:
    """Record that the customer agreed to an approved remedy (方案沟通); a refund or exchange goes on to the returns flow."""
    remedy = _remedy_advance(
        remedy=remedy, actor=actor, expected=Remedy.Status.APPROVED, target=Remedy.Status.AGREED,
        event=TicketEvent.Kind.REMEDY_AGREED, refusal=_("Only an approved remedy can be agreed."),
        step=TicketStep.Step.AGREEMENT, agreed_at=timezone.now(),
    )
    if remedy.kind in (Remedy.Kind.REFUND, Remedy.Kind.EXCHANGE):
        # The returns flow (orders) builds on tickets: it takes the remedy over through its receiver.
        remedy_agreed.send(sender=Remedy, remedy=remedy, actor=actor)
    return remedy


@transaction.atomic
def remedy_mark_done(*, remedy: Remedy, actor) -> Remedy:
    """Record that the agreed remedy was carried out (问题处理)."""
    return _remedy_advance(
        remedy=remedy, actor=actor, expected=Remedy.Status.AGREED, target=Remedy.Status.DONE,
        event=TicketEvent.Kind.REMEDY_DONE, refusal=_("Only a remedy the customer agreed to can be carried out."),
        step=TicketStep.Step.EXECUTION,
    )


@transaction.atomic
def ticket_step_complete(*, ticket: Ticket, actor, step: str, note: str) -> TicketStep:
    """Complete a complaint step explicitly, with the agent's note on what was done."""
    workflow.step_ensure_known(step)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say what was done to complete this step.")]})
    ticket = _locked(ticket)
    done = _step_done(ticket, step, actor, source="", note=note, with_event=True)
    if done is None:
        raise ValidationError({"step": [_("This step is already completed.")]})
    _touch(ticket, [], actor=actor)
    return done


@transaction.atomic
def ticket_step_reach(*, ticket_id: int, actor, step: str, source: str) -> TicketStep | None:
    """Complete a step implied by work another app recorded (a linked return completed, a survey answered), once."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        return None
    done = _step_done(ticket, step, actor, source=source, with_event=True)
    if done is not None:
        _touch(ticket, [], actor=actor)
    return done


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor) -> Ticket:
    """Merge a duplicate ticket of the same customer into another; the duplicate is closed."""
    if source.pk == target.pk:
        raise ValidationError({"into": [_("A ticket cannot be merged into itself.")]})
    first, second = sorted([source.pk, target.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.customer_id != target.customer_id:
        raise ValidationError({"into": [_("Only tickets of the same customer can be merged.")]})
    if source.status == workflow.CLOSED or target.status == workflow.CLOSED:
        raise ValidationError({"into": [_("A closed ticket cannot be merged.")]})
    source.messages.update(ticket=target)
    source.attachments.update(ticket=target)
    source.tasks.update(ticket=target)
    source.remedies.update(ticket=target)
    _event(target, TicketEvent.Kind.MERGED, actor, source.number, target.number)
    _event(source, TicketEvent.Kind.MERGED, actor, source.number, target.number)
    _move(source, actor=actor, target=workflow.CLOSED, note=_("Merged into %(number)s") % {"number": target.number})
    source.merged_into = target
    _touch(source, ["status", "resolved_at", "closed_at", "merged_into"], actor=actor)
    _touch(target, [], actor=actor)
    return target


def tag_get_or_create(*, actor, name: str) -> Tag:
    """Return the tag of this name (any letter case); create it only for someone who may add tags (``tickets.add_tag``)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"tag": [_("Give a tag name.")]})
    if len(name) > Tag._meta.get_field("name").max_length:
        raise ValidationError({"tag": [_("A tag name has at most 32 characters.")]})
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is not None:
        return tag
    if not actor.has_perm("tickets.add_tag"):
        raise ValidationError({"tag": [_("There is no tag %(name)s, and you may not create tags.") % {"name": name}]})
    with transaction.atomic():
        tag, _created = Tag.objects.get_or_create(name=name)
    return tag


@transaction.atomic
def ticket_tag_add(*, ticket: Ticket, actor, tag: Tag) -> bool:
    """Put a tag on the ticket and record it; return False when it was already there."""
    ticket = _locked(ticket)
    if ticket.tags.filter(pk=tag.pk).exists():
        return False
    ticket.tags.add(tag)
    _event(ticket, TicketEvent.Kind.TAGGED, actor, to_value=tag.name)
    _touch(ticket, [], actor=actor)
    return True


@transaction.atomic
def ticket_tag_remove(*, ticket: Ticket, actor, tag: Tag) -> bool:
    """Take a tag off the ticket and record it; return False when it was not there."""
    ticket = _locked(ticket)
    if not ticket.tags.filter(pk=tag.pk).exists():
        return False
    ticket.tags.remove(tag)
    _event(ticket, TicketEvent.Kind.UNTAGGED, actor, from_value=tag.name)
    _touch(ticket, [], actor=actor)
    return True


# Canned replies (快捷回复): shared ones by admins, a team's by its supervisor, members their own.

CANNED_FIELDS = ("title", "shortcut", "body", "team", "is_active")


def _canned_reply_refusal(team) -> str:
    if team is None:
        return _("Only an admin manages replies shared by every team.")
    return _("You can only manage your own replies, or those of a team you lead.")


def _canned_reply_check(*, actor, reply: CannedReply) -> None:
    """Refuse (403) a change to a reply the actor may not manage."""
    if not canned_reply_can_manage(user=actor, team=reply.team, reply=reply):
        raise PermissionDenied(_canned_reply_refusal(reply.team))


def _canned_reply_team_check(*, actor, team) -> None:
    """Refuse (400 on team) a team the actor may not put replies in."""
    if not canned_reply_can_manage(user=actor, team=team):
        raise ValidationError({"team": [_canned_reply_refusal(team)]})


def _canned_reply_validate(reply: CannedReply) -> None:
    clash = CannedReply.objects.filter(team=reply.team, shortcut__iexact=reply.shortcut).exclude(pk=reply.pk)
    if clash.exists():
        raise ValidationError({"shortcut": [_("This shortcut is already used by another reply of the same scope.")]})
    reply.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def canned_reply_create(*, actor, title: str, shortcut: str, body: str, team=None, is_active: bool = True) -> CannedReply:
    """Create a canned reply for a team (or for every team, admins only)."""
    _canned_reply_team_check(actor=actor, team=team)
    reply = CannedReply(title=title, shortcut=shortcut.lstrip("/"), body=body, team=team, is_active=is_active,
                        created_by=actor)
    _canned_reply_validate(reply)
    reply.save()
    return reply


@transaction.atomic
def canned_reply_update(*, reply: CannedReply, actor, **changes) -> CannedReply:
    """Change a canned reply's title, shortcut, body, team or active flag; both old and new scope must be the actor's."""
    reply = CannedReply.objects.select_for_update(of=("self",)).select_related("team").get(pk=reply.pk)
    _canned_reply_check(actor=actor, reply=reply)
    changed = [name for name in CANNED_FIELDS if name in changes and getattr(reply, name) != changes[name]]
    if "team" in changed:
        _canned_reply_team_check(actor=actor, team=changes["team"])
    for name in changed:
        setattr(reply, name, changes[name].lstrip("/") if name == "shortcut" else changes[name])
    if changed:
        _canned_reply_validate(reply)
        reply.save(update_fields=changed)
    return reply


@transaction.atomic
def canned_reply_delete(*, reply: CannedReply, actor) -> None:
    """Delete a canned reply the actor may manage."""
    reply = CannedReply.objects.select_for_update(of=("self",)).select_related("team").get(pk=reply.pk)
    _canned_reply_check(actor=actor, reply=reply)
    reply.delete()


SAVED_VIEWS_PER_USER = 30


@transaction.atomic
def reply_draft_save(*, ticket: Ticket, author, body: str, is_internal: bool = False) -> ReplyDraft | None:
    """Keep the author's unsent reply on the ticket (autosaved as they type); an empty body drops it."""
    if len(body) > 20000:
        raise ValidationError({"body": [_("Keep the reply under 20,000 characters.")]})
    if not body.strip():
        ReplyDraft.objects.filter(ticket=ticket, author=author).delete()
        return None
    draft, _created = ReplyDraft.objects.update_or_create(
        ticket=ticket, author=author, defaults={"body": body, "is_internal": is_internal})
    return draft


@transaction.atomic
def saved_view_create(*, user, name: str, query: str) -> SavedView:
    """Save the user's current ticket filters under a name of their own; the FilterSet must accept the query."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the view a name.")]
    elif len(name) > SavedView._meta.get_field("name").max_length:
        errors["name"] = [_("Keep the name under 40 characters.")]
    elif SavedView.objects.filter(user=user, name=name).exists():
        errors["name"] = [_("You already have a view with this name.")]
    elif SavedView.objects.filter(user=user).count() >= SAVED_VIEWS_PER_USER:
        errors["name"] = [_("You have saved %(count)d views; delete one first.") % {"count": SAVED_VIEWS_PER_USER}]
    query, query_errors = saved_query_clean(query or "", user=user)
    if query_errors:
        errors["query"] = query_errors
    if errors:
        raise ValidationError(errors)
    # Two saves of one name at once: the unique constraint keeps one; the user's row is locked to answer 400, not 500.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if SavedView.objects.filter(user=user, name=name).exists():
        raise ValidationError({"name": [_("You already have a view with this name.")]})
    return SavedView.objects.create(user=user, name=name, query=query)


@transaction.atomic
def saved_view_delete(*, view: SavedView) -> None:
    """Delete one of the user's saved views."""
    view.delete()
