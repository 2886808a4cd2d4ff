"""Every write to a customer archive: create, change, reveal, review, merge, anonymize, import."""

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Func, QuerySet
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from customers import records, workflow
from customers.contacts import email_validate, phone_validate
from customers.models import (
    Customer, CustomerAddress, CustomerContact, CustomerEvent, CustomerImport, CustomerLevel, CustomerMerge,
    CustomerReview, CustomerTag, PiiRequest, PiiReveal, PrivacyPolicy,
)
from customers.privacy import may_change_directly, may_view_pii
from helpdesk.enqueue import SWEEP_BATCH, SWEEP_GRACE, enqueue_each
from helpdesk.errors import ServiceError

logger = logging.getLogger(__name__)

SIMPLE_FIELDS = ["name", "city", "level", "tags", "source", "birthday", "notes", "has_marketing_consent",
                 "has_survey_consent"]
LIST_FIELDS = ["phones", "emails", "addresses"]
# Rows that belong to the archive itself (or its audit) and are not moved to the survivor of a merge.
MERGE_KEEPS = {"customers.customercontact", "customers.customeraddress", "customers.customerevent",
               "customers.customerreview", "customers.customermerge", "customers.piireveal", "customers.piirequest"}
TAG_SYNC_BATCH = 10_000
REVEAL_WINDOW = timedelta(hours=1)


def customer_level_codes() -> list[str]:
    """Return the level codes an archive may have (the admin-editable list)."""
    codes = list(CustomerLevel.objects.values_list("code", flat=True))
    return codes or list(Customer.Level.values)


def customer_changes_clean(changes: dict, *, partial: bool) -> dict:
    """Return the changes validated and normalized, or raise ValidationError naming each bad field."""
    errors: dict[str, list] = {}
    cleaned: dict = {}
    unknown = set(changes) - set(SIMPLE_FIELDS) - set(LIST_FIELDS)
    for field in sorted(unknown):
        errors[field] = [_("Unknown field.")]
    if not partial and not (isinstance(changes.get("name"), str) and changes["name"].strip()):
        errors["name"] = [_("This field is required.")]
    for field in SIMPLE_FIELDS:
        if field in changes:
            cleaned[field] = changes[field]
    for field in ("name", "city", "source", "notes", "level"):
        if field in cleaned and not isinstance(cleaned[field], str):
            errors[field] = [_("Enter a text.")]
            cleaned.pop(field)
    for field in LIST_FIELDS:
        if field in changes and not isinstance(changes[field] or [], list):
            errors[field] = [_("Enter a list.")]
            changes = {k: v for k, v in changes.items() if k != field}
    for field in ("has_marketing_consent", "has_survey_consent"):
        if field in cleaned and not isinstance(cleaned[field], bool):
            errors[field] = [_("Enter true or false.")]
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = [_("This field is required.")]
        elif len(cleaned["name"]) > 64:
            errors["name"] = [_("At most 64 characters.")]
    if isinstance(cleaned.get("birthday"), str):
        try:
            cleaned["birthday"] = parse_date(cleaned["birthday"]) if cleaned["birthday"] else None
        except ValueError:
            cleaned["birthday"] = None
        if changes["birthday"] and cleaned["birthday"] is None:
            errors["birthday"] = [_("Enter a valid date (YYYY-MM-DD).")]
    if "birthday" in cleaned and cleaned["birthday"] is not None and not isinstance(cleaned["birthday"], date):
        errors["birthday"] = [_("Enter a valid date (YYYY-MM-DD).")]
    if "level" in cleaned and cleaned["level"] not in customer_level_codes():
        errors["level"] = [_("Unknown customer level.")]
    if "tags" in cleaned:
        tags = cleaned["tags"] or []
        if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t.strip()) <= 32 for t in tags):
            errors["tags"] = [_("Tags are a list of short texts.")]
        else:
            cleaned["tags"] = list(dict.fromkeys(t.strip() for t in tags))
    for field, validate in (("phones", phone_validate), ("emails", email_validate)):
        if field in changes:
            values, messages = [], []
            for raw in changes[field] or []:
                try:
                    values.append(validate(str(raw)))
                except ValidationError as exc:
                    messages.append(f"{raw}: {exc.messages[0]}")
            if messages:
                errors[field] = messages
            cleaned[field] = list(dict.fromkeys(values))
    if "addresses" in changes:
        addresses = [str(a).strip() for a in changes["addresses"] or [] if str(a).strip()]
        if any(len(a) > 255 for a in addresses):
            errors["addresses"] = [_("At most 255 characters per address.")]
        cleaned["addresses"] = addresses
    if errors:
        raise ValidationError(errors)
    return cleaned


def customer_tags_sync(*, customer_ids: Iterable[int] | QuerySet) -> None:
    """Make the tag rows of these customers (ids, or a ``values("pk")`` queryset) match their ``tags``."""
    # Runs in the writer's transaction. Bulk writers pass a queryset, so no list of a million ids travels;
    # only the difference is written.
    if isinstance(customer_ids, QuerySet):
        batches: list = [customer_ids]
    else:
        ids = list(customer_ids)
        batches = [ids[start:start + TAG_SYNC_BATCH] for start in range(0, len(ids), TAG_SYNC_BATCH)]
    for batch in batches:
        # One row per element of the JSON array (a set-returning function in the select list);
        # ``tags @> '[]'`` holds for arrays only, so a malformed value has no tags rather than an error.
        element = Func("tags", function="jsonb_array_elements_text", output_field=CharField())
        wanted = set(Customer.objects.order_by().filter(pk__in=batch, tags__contains=[])
                     .annotate(tag=Left(element, CustomerTag._meta.get_field("tag").max_length))
                     .values_list("pk", "tag"))
        stale = []
        for pk, customer_id, tag in CustomerTag.objects.filter(customer_id__in=batch).values_list("pk", "customer_id", "tag"):
            if (customer_id, tag) in wanted:
                wanted.discard((customer_id, tag))
            else:
                stale.append(pk)
        if stale:
            CustomerTag.objects.filter(pk__in=stale).delete()
        if wanted:
            CustomerTag.objects.bulk_create([CustomerTag(customer_id=customer_id, tag=tag) for customer_id, tag in wanted],
                                            batch_size=5000, ignore_conflicts=True)


def _contacts_set(customer: Customer, kind: str, values: list[str]) -> None:
    """Make the customer's contacts of this kind exactly these normalized values, the first one primary."""
    existing = {c.normalized: c for c in customer.contacts.filter(kind=kind)}
    CustomerContact.objects.filter(customer=customer, kind=kind).exclude(normalized__in=values).delete()
    for position, value in enumerate(values):
        contact = existing.get(value)
        if contact is None:
            CustomerContact.objects.create(customer=customer, kind=kind, value=value, normalized=value,
                                           is_primary=position == 0)
        elif contact.is_primary != (position == 0):
            contact.is_primary = position == 0
            contact.save(update_fields=["is_primary"])


def _addresses_set(customer: Customer, addresses: list[str]) -> None:
    customer.addresses.all().delete()
    CustomerAddress.objects.bulk_create(
        [CustomerAddress(customer=customer, address=a, is_default=i == 0) for i, a in enumerate(addresses)]
    )


def _apply(customer: Customer, cleaned: dict) -> list[str]:
    """Apply cleaned changes to a saved customer; return the names of the fields that changed."""
    changed = [f for f in SIMPLE_FIELDS if f in cleaned and getattr(customer, f) != cleaned[f]]
    for field in changed:
        setattr(customer, field, cleaned[field])
    if "phones" in cleaned:
        if [c.normalized for c in customer.contacts.filter(kind="phone")] != cleaned["phones"]:
            changed.append("phones")
        _contacts_set(customer, CustomerContact.Kind.PHONE, cleaned["phones"])
        customer.phone = cleaned["phones"][0] if cleaned["phones"] else ""
    if "emails" in cleaned:
        if [c.normalized for c in customer.contacts.filter(kind="email")] != cleaned["emails"]:
            changed.append("emails")
        _contacts_set(customer, CustomerContact.Kind.EMAIL, cleaned["emails"])
        customer.email = cleaned["emails"][0] if cleaned["emails"] else ""
    if "addresses" in cleaned:
        if list(customer.addresses.values_list("address", flat=True)) != cleaned["addresses"]:
            changed.append("addresses")
        _addresses_set(customer, cleaned["addresses"])
    customer.save(update_fields=[f for f in SIMPLE_FIELDS if f in changed] + ["phone", "email", "updated_at"])
    if "tags" in changed:
        customer_tags_sync(customer_ids=[customer.pk])
    return changed


@transaction.atomic
def customer_create(*, actor, **fields) -> Customer:
    """Create an archive with its phones, e-mails and addresses; record who created it."""
    cleaned = customer_changes_clean(fields, partial=False)
    customer = Customer.objects.create(name=cleaned["name"])
    _apply(customer, cleaned)
    CustomerEvent.objects.create(customer=customer, kind=CustomerEvent.Kind.CREATED, actor=actor)
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, **changes) -> Customer:
    """Change an archive; record the names of the fields changed (not their values)."""
    cleaned = customer_changes_clean(changes, partial=True)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.anonymized_at or customer.merged_into_id:
        raise ValidationError(_("This archive was anonymized or merged and cannot be changed."), code="closed")
    changed = _apply(customer, cleaned)
    if changed:
        CustomerEvent.objects.create(customer=customer, kind=CustomerEvent.Kind.UPDATED, actor=actor, fields=changed)
    return customer


def customer_change(*, actor, customer: Customer, **changes) -> Customer | CustomerReview:
    """Change an archive directly if the actor may, or else submit the change for archive review (建档评审)."""
    if may_change_directly(actor):
        return customer_update(actor=actor, customer=customer, **changes)
    if not (actor.has_perm("customers.change_customer") and actor.has_perm("customers.add_customerreview")):
        raise PermissionDenied(_("You may not change customer archives."))
    if not changes:
        raise ValidationError(_("Give at least one field to change."), code="empty")
    return customer_review_submit(actor=actor, customer=customer, changes=changes)


def privacy_policy_get() -> PrivacyPolicy:
    """Return the one privacy policy row, creating it with the shipped defaults if missing."""
    policy = PrivacyPolicy.objects.order_by("pk").first()
    return policy or PrivacyPolicy.objects.create()


def may_reveal(viewer) -> bool:
    """Return whether the viewer may reveal a masked field (always for those who see personal data)."""
    if may_view_pii(viewer):
        return True
    return viewer.has_perm("customers.view_customer") and privacy_policy_get().allow_agent_reveal


class RevealLimitReached(ServiceError):
    """The viewer revealed as many fields in the last hour as ``PII_REVEALS_PER_HOUR`` allows (429)."""

    status_code = 429
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def reveal_limit_check(*, viewer, now=None) -> None:
    """Raise RevealLimitReached if the viewer may not reveal another field now (those who see personal data may)."""
    if may_view_pii(viewer):
        return
    now = now or timezone.now()
    limit = settings.PII_REVEALS_PER_HOUR
    recent = list(PiiReveal.objects.filter(viewer=viewer, created_at__gt=now - REVEAL_WINDOW)
                  .order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(recent) < limit:
        return
    until = recent[-1] + REVEAL_WINDOW
    raise RevealLimitReached(
        _("You have revealed %(limit)d personal fields in the last hour, the most allowed. Ask a supervisor to "
          "reveal this one; you may reveal again after %(time)s.")
        % {"limit": limit, "time": time_format(timezone.localtime(until), "H:i")},
        retry_after=max(1, int((until - now).total_seconds()) + 1),
    )


def _reason_errors(reason: str) -> list[str]:
    if not reason:
        return [_("Give the reason for seeing this field.")]
    if len(reason) > 255:
        return [_("At most 255 characters.")]
    return []


@transaction.atomic
def pii_reveal_record(*, viewer, customer_id: int | None, field: str, reason: str, source: str = "") -> PiiReveal:
    """Write one reveal to the audit log once the reason, the privacy policy and the viewer's hourly limit allow it.

    Every reveal goes through here, of an archive field or of a message's text, so they share one
    limit: agents reveal at most ``PII_REVEALS_PER_HOUR`` an hour; past it a supervisor reveals.
    """
    reason = (reason or "").strip()
    errors = _reason_errors(reason)
    if errors:
        raise ValidationError({"reason": errors})
    if not may_reveal(viewer):
        raise PermissionDenied(_("The privacy policy does not let agents reveal personal data."))
    # One viewer's reveals one at a time, so parallel requests cannot pass the limit together.
    list(get_user_model().objects.select_for_update().filter(pk=viewer.pk).values_list("pk", flat=True))
    reveal_limit_check(viewer=viewer)
    return PiiReveal.objects.create(viewer=viewer, customer_id=customer_id, field=field, source=source[:100],
                                    reason=reason)


@transaction.atomic
def customer_reveal(*, viewer, customer: Customer, field: str, reason: str) -> list[str]:
    """Return one personal field of one customer in clear and write the reveal to the audit log."""
    errors = {}
    if field not in PiiReveal.ARCHIVE_FIELDS:
        errors["field"] = [_("Choose phone, email or address.")]
    if reason_errors := _reason_errors((reason or "").strip()):
        errors["reason"] = reason_errors
    if errors:
        raise ValidationError(errors)
    pii_reveal_record(viewer=viewer, customer_id=customer.pk, field=field, reason=reason)
    if field == PiiReveal.Field.ADDRESS:
        return list(customer.addresses.values_list("address", flat=True))
    values = list(customer.contacts.filter(kind=field).values_list("value", flat=True))
    primary = getattr(customer, field)
    return values or ([primary] if primary else [])


@transaction.atomic
def customer_review_submit(*, actor, customer: Customer, changes: dict | None = None, note: str = "") -> CustomerReview:
    """Submit the archive, or proposed changes to it, for archive review (建档评审)."""
    cleaned = customer_changes_clean(changes or {}, partial=True)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.anonymized_at or customer.merged_into_id:
        raise ValidationError(_("This archive was anonymized or merged and cannot be changed."), code="closed")
    if customer.review_status == Customer.ReviewStatus.PENDING:
        raise ValidationError(_("This archive already has a change waiting for archive review; a supervisor decides "
                                "it before another can be submitted."), code="pending")
    workflow.ensure_allowed(customer.review_status, workflow.PENDING)
    customer.review_status = Customer.ReviewStatus.PENDING
    customer.save(update_fields=["review_status", "updated_at"])
    serializable = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in cleaned.items()}
    review = CustomerReview.objects.create(customer=customer, changes=serializable, note=note.strip(), submitted_by=actor)
    CustomerEvent.objects.create(customer=customer, kind=CustomerEvent.Kind.REVIEW_SUBMITTED, actor=actor,
                                 fields=sorted(cleaned), note=note.strip())
    return review


@transaction.atomic
def customer_review_decide(*, actor, review: CustomerReview, approve: bool, reason: str = "") -> CustomerReview:
    """Approve (applying the proposed changes) or reject, with a reason, a pending archive review."""
    if not actor.has_perm("customers.review_customer"):
        raise PermissionDenied(_("Only a supervisor may decide an archive review."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("Give the reason for rejecting.")]})
    review = CustomerReview.objects.select_for_update().get(pk=review.pk)
    customer = Customer.objects.select_for_update().get(pk=review.customer_id)
    target = workflow.APPROVED if approve else workflow.REJECTED
    if review.status != CustomerReview.Status.PENDING:
        raise ValidationError(_("This review was already decided."), code="decided")
    workflow.ensure_allowed(customer.review_status, target)
    if approve and review.changes:
        customer_update(actor=review.submitted_by or actor, customer=customer, **review.changes)
    review.status, review.decided_by, review.decided_at, review.decision_reason = target, actor, timezone.now(), reason
    review.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    Customer.objects.filter(pk=customer.pk).update(review_status=target, updated_at=timezone.now())
    kind = CustomerEvent.Kind.REVIEW_APPROVED if approve else CustomerEvent.Kind.REVIEW_REJECTED
    CustomerEvent.objects.create(customer=customer, kind=kind, actor=actor, note=reason)
    return review


def customer_snapshot(customer: Customer) -> dict:
    """Return everything the archive itself holds, in clear (kept with a merge so nothing is lost)."""
    return {
        "id": customer.pk, "name": customer.name, "city": customer.city, "level": customer.level,
        "tags": customer.tags, "source": customer.source, "notes": customer.notes,
        "birthday": customer.birthday.isoformat() if customer.birthday else None,
        "has_marketing_consent": customer.has_marketing_consent, "has_survey_consent": customer.has_survey_consent,
        "contacts": [{"kind": c.kind, "value": c.value} for c in customer.contacts.all()],
        "addresses": [a.address for a in customer.addresses.all()],
        "created_at": customer.created_at.isoformat(),
    }


@transaction.atomic
def customer_merge(*, actor, survivor: Customer, duplicate: Customer) -> CustomerMerge:
    """Merge a duplicate archive into the survivor: move its orders, tickets and every other linked row; record it."""
    if not actor.has_perm("customers.merge_customer"):
        raise PermissionDenied(_("Only a supervisor may merge customers."))
    if survivor.pk == duplicate.pk:
        raise ValidationError({"duplicate": [_("A customer cannot be merged with itself.")]})
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    for field, customer in (("survivor", survivor), ("duplicate", duplicate)):
        if customer.merged_into_id:
            raise ValidationError({field: [_("This customer was already merged into another one.")]})
        if customer.anonymized_at:
            raise ValidationError({field: [_("This customer was anonymized.")]})
    snapshot = customer_snapshot(duplicate)
    moved: dict[str, int] = {}
    for relation in Customer._meta.related_objects:
        model = relation.related_model
        if model._meta.label_lower in MERGE_KEEPS or model is Customer or not (relation.one_to_many or relation.one_to_one):
            continue
        count = model._default_manager.filter(**{relation.field.name: duplicate}).update(**{relation.field.name: survivor})
        if count:
            moved[model._meta.label_lower] = count
    have = set(survivor.contacts.values_list("kind", "normalized"))
    new_contacts = [c.pk for c in duplicate.contacts.all() if (c.kind, c.normalized) not in have]
    moved["customers.customercontact"] = CustomerContact.objects.filter(pk__in=new_contacts).update(customer=survivor, is_primary=False)
    have_addresses = set(survivor.addresses.values_list("address", flat=True))
    new_addresses = [a.pk for a in duplicate.addresses.all() if a.address not in have_addresses]
    moved["customers.customeraddress"] = CustomerAddress.objects.filter(pk__in=new_addresses).update(customer=survivor, is_default=False)
    survivor.tags = list(dict.fromkeys(list(survivor.tags or []) + list(duplicate.tags or [])))
    for field in ("city", "source", "birthday", "phone", "email"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    if duplicate.notes:
        survivor.notes = "\n".join(filter(None, [survivor.notes, duplicate.notes]))
    ranks = customer_level_codes()
    if duplicate.level in ranks and survivor.level in ranks and ranks.index(duplicate.level) > ranks.index(survivor.level):
        survivor.level = duplicate.level
    survivor.save(update_fields=["tags", "city", "source", "birthday", "phone", "email", "notes", "level", "updated_at"])
    customer_tags_sync(customer_ids=[survivor.pk])
    duplicate.merged_into, duplicate.merged_at = survivor, timezone.now()
    duplicate.save(update_fields=["merged_into", "merged_at", "updated_at"])
    merge = CustomerMerge.objects.create(survivor=survivor, duplicate=duplicate, actor=actor, moved=moved, snapshot=snapshot)
    note = _("Archive #%(duplicate)s merged into #%(survivor)s") % {"duplicate": duplicate.pk, "survivor": survivor.pk}
    CustomerEvent.objects.create(customer=survivor, kind=CustomerEvent.Kind.MERGED, actor=actor, note=note)
    CustomerEvent.objects.create(customer=duplicate, kind=CustomerEvent.Kind.MERGED_AWAY, actor=actor, note=note)
    return merge


@transaction.atomic
def customer_pii_export_record(*, actor, customer: Customer, reason: str = "") -> PiiRequest:
    """Record that a manager exported everything held about a customer (PIPL request)."""
    if not actor.has_perm("customers.export_customer"):
        raise PermissionDenied(_("Only a manager may export a customer's personal data."))
    CustomerEvent.objects.create(customer=customer, kind=CustomerEvent.Kind.EXPORTED, actor=actor, note=reason)
    return PiiRequest.objects.create(customer=customer, kind=PiiRequest.Kind.EXPORT, actor=actor, reason=reason)


@transaction.atomic
def customer_anonymize(*, actor, customer: Customer, reason: str = "") -> Customer:
    """Erase a customer's personal fields; orders and tickets stay, linked to the anonymous archive, for statistics."""
    if not actor.has_perm("customers.anonymize_customer"):
        raise PermissionDenied(_("Only a manager may anonymize a customer."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.anonymized_at:
        raise ValidationError(_("This customer is already anonymized."), code="anonymized")
    customer.contacts.all().delete()
    customer.addresses.all().delete()
    customer.name = f"匿名客户 #{customer.pk}"
    customer.phone = customer.email = customer.city = customer.notes = ""
    customer.birthday = None
    customer.has_marketing_consent = customer.has_survey_consent = False
    customer.anonymized_at = timezone.now()
    customer.save(update_fields=["name", "phone", "email", "city", "notes", "birthday", "has_marketing_consent",
                                 "has_survey_consent", "anonymized_at", "updated_at"])
    # Copies of the personal data kept elsewhere in the archive go too.
    CustomerMerge.objects.filter(duplicate=customer).update(snapshot={})
    CustomerReview.objects.filter(customer=customer).update(changes={})
    # What the customer wrote in tickets and chats (text, attachments, images) goes too, in this same transaction.
    erased = {"messages": 0, "attachments": 0, "chat_messages": 0}
    for erase in records.ERASERS:
        for key, count in erase(customer_id=customer.pk, actor=actor).items():
            erased[key] = erased.get(key, 0) + count
    CustomerEvent.objects.create(customer=customer, kind=CustomerEvent.Kind.ANONYMIZED, actor=actor,
                                 note=_("Erased in tickets: %(messages)d messages, %(attachments)d attachments.") % erased
                                 + " " + _("Erased in chats: %(chat_messages)d messages.") % erased)
    PiiRequest.objects.create(customer=customer, kind=PiiRequest.Kind.ANONYMIZE, actor=actor, reason=reason)
    return customer


def customer_import_create(*, actor, upload, mode: str) -> CustomerImport:
    """Store an uploaded file as a pending import; the caller runs it inline or through the task."""
    if mode not in CustomerImport.Mode.values:
        raise ValidationError({"mode": [_("Choose all or nothing, or valid rows.")]})
    name = upload.name or "upload"
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError({"file": [_("Upload a .csv or .xlsx file.")]})
    return CustomerImport.objects.create(file=upload, original_name=name[:255], mode=mode, created_by=actor)


def customer_import_sweep_pending(*, now=None) -> int:
    """Send the run again for imports still pending after the grace period; return how many were sent."""
    from customers import tasks

    cutoff = (now or timezone.now()) - SWEEP_GRACE
    ids = (CustomerImport.objects.filter(status=CustomerImport.Status.PENDING, created_at__lte=cutoff)
           .order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return enqueue_each(tasks.customer_import_run, "import_id", list(ids))


def customer_import_run(*, import_id: int) -> CustomerImport:
    """Run a pending import: parse, validate every row, then write all, none, or the valid rows as chosen."""
    from customers.imports import import_execute

    started = CustomerImport.objects.filter(pk=import_id, status=CustomerImport.Status.PENDING).update(
        status=CustomerImport.Status.RUNNING
    )
    job = CustomerImport.objects.get(pk=import_id)
    if not started:
        return job
    try:
        return import_execute(job)
    except Exception:
        logger.exception("customer import %s failed", import_id)
        CustomerImport.objects.filter(pk=import_id).update(
            status=CustomerImport.Status.FAILED, message=_("The import failed unexpectedly; nothing was imported."),
            finished_at=timezone.now(),
        )
        return CustomerImport.objects.get(pk=import_id)
