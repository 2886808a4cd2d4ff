"""Reads of customer archives: the gatekeeper every page and endpoint goes through; personal data leaves masked unless the viewer may see it."""

import base64
import json
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse

from customers.contacts import query_normalize
from customers.models import (
    Customer, CustomerContact, CustomerEvent, CustomerImport, CustomerLevel, CustomerMerge, CustomerReview, PiiRequest,
    PiiReveal,
)
from customers import records
from customers.privacy import mask_address, mask_email, mask_phone, mask_text, may_view_pii
from customers.stats_sql import customer_stats_rows
from helpdesk.search import SearchHit

# Rows of the archive itself: shown through their own timeline source, or not at all.
OWN_MODELS = {"customers.customercontact", "customers.customeraddress", "customers.customerevent",
              "customers.customerreview", "customers.customermerge", "customers.piireveal", "customers.piirequest",
              "customers.customer", "customers.customertag"}


def _may_open_archives(viewer) -> bool:
    return bool(viewer and viewer.is_authenticated and viewer.has_perm("customers.view_customer"))


def customer_queryset_for_viewer(*, viewer):
    """Return the archives the viewer may open (merged-away duplicates excluded)."""
    if not _may_open_archives(viewer):
        return Customer.objects.none()
    return Customer.objects.filter(merged_into__isnull=True)


def customer_may_open(*, viewer, customer: Customer) -> bool:
    """Return whether the viewer may open this loaded archive, as customer_queryset_for_viewer decides, without a query."""
    return _may_open_archives(viewer) and customer.merged_into_id is None


def customer_get_for_viewer(*, viewer, pk) -> Customer:
    """Return one archive the viewer may open, or raise Http404."""
    try:
        return customer_queryset_for_viewer(viewer=viewer).get(pk=int(pk))
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404("No such customer") from None


def customer_search(queryset, query: str, *, numbers: bool = True):
    """Filter by name (any part of it), phone in any format, e-mail, or another app's number (order, ticket).

    ``numbers=False`` leaves the other apps' numbers out: the global search finds those records in
    their own scoped groups, and a customer found by another team's ticket number would reveal it.

    Phones and e-mails are one index lookup on the normalized contacts, folded into the page's
    query as a subquery (no extra round trip); names use the trigram and reversed-name indexes.
    """
    kind, value = query_normalize(query)
    if not value:
        return queryset
    if kind in ("phone", "email"):
        field = "phone" if kind == "phone" else "email"
        # Archives written without contact rows (bulk-generated data) still have their primary phone and e-mail.
        contacts = CustomerContact.objects.filter(normalized=value).order_by().values_list("customer_id")
        primary = Customer.objects.filter(**{field: value}).order_by().values_list("pk")
        return queryset.filter(pk__in=contacts.union(primary, all=True))
    if not numbers or not any(ch.isdigit() for ch in value) or not records.NUMBER_LOOKUPS:
        return queryset.filter(_name_matches(value))
    # Order and ticket numbers carry digits: one subquery of the matching ids, so each part keeps its index.
    ids = (Customer.objects.filter(_name_matches(value)).order_by().values_list("pk")
           .union(*(lookup(value).order_by() for lookup in records.NUMBER_LOOKUPS), all=True))
    return queryset.filter(pk__in=ids)


def _name_matches(value: str) -> Q:
    """Return the name condition: anywhere in the name, answered by an index.

    Three characters or more use the trigram index; one or two (a surname, a given name) match
    at the start or the end of the name, through the prefix and reversed-name indexes.
    """
    if len(value) >= 3:
        return Q(name__icontains=value)
    from django.db.models.functions import Reverse
    from django.db.models.lookups import StartsWith

    return Q(name__startswith=value) | Q(StartsWith(Reverse("name"), value[::-1]))


LEVEL_LABELS_CACHE_KEY = "customers:level-labels:v1"


def level_labels() -> dict[str, str]:
    """Return the label of each customer level code (cached; admin changes to levels clear it)."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = f"{LEVEL_LABELS_CACHE_KEY}:{get_language()}"
    labels = cache.get(key)
    if labels is None:
        labels = {value: str(label) for value, label in Customer.Level.choices}
        labels.update(CustomerLevel.objects.values_list("code", "name"))
        cache.set(key, labels, 300)
    return labels


def level_labels_forget() -> None:
    """Drop the cached level labels (after an admin changed a level)."""
    from django.conf import settings
    from django.core.cache import cache

    cache.delete_many([f"{LEVEL_LABELS_CACHE_KEY}:{code}" for code, _name in settings.LANGUAGES])


def customer_data_for_viewer(*, viewer, customer: Customer, clear: bool | None = None, labels: dict | None = None) -> dict:
    """Return an archive as the viewer may see it: phones, e-mails, addresses and notes masked unless permitted."""
    clear = may_view_pii(viewer) if clear is None else clear
    contacts = list(customer.contacts.all())
    phones = [c.value for c in contacts if c.kind == CustomerContact.Kind.PHONE] or ([customer.phone] if customer.phone else [])
    emails = [c.value for c in contacts if c.kind == CustomerContact.Kind.EMAIL] or ([customer.email] if customer.email else [])
    addresses = [a.address for a in customer.addresses.all()]
    labels = labels if labels is not None else level_labels()
    return {
        "id": customer.pk,
        "name": customer.name,
        "phones": phones if clear else [mask_phone(p) for p in phones],
        "emails": emails if clear else [mask_email(e) for e in emails],
        "addresses": addresses if clear else [mask_address(a) for a in addresses],
        "level": customer.level,
        "level_label": labels.get(customer.level, customer.level),
        "tags": list(customer.tags or []),
        "city": customer.city,
        "source": customer.source,
        "birthday": customer.birthday,
        "notes": customer.notes if clear else mask_text(customer.notes),
        "has_marketing_consent": customer.has_marketing_consent,
        "has_survey_consent": customer.has_survey_consent,
        "review_status": customer.review_status,
        "review_status_label": customer.get_review_status_display(),
        "is_masked": not clear,
        "is_anonymized": customer.anonymized_at is not None,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }


def customer_list_for_viewer(*, viewer, customers) -> list[dict]:
    """Return a page of archives as the viewer may see them, contacts fetched in one query."""
    clear = may_view_pii(viewer)
    labels = level_labels()
    customers = list(customers)
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(customers, "contacts", "addresses")
    return [customer_data_for_viewer(viewer=viewer, customer=c, clear=clear, labels=labels) for c in customers]


def customer_card_for_viewer(*, viewer, customer: Customer) -> dict:
    """Return the customer card shown beside a conversation, masked for the viewer."""
    clear = may_view_pii(viewer)
    return {
        "id": customer.pk,
        "name": customer.name,
        "level": customer.level,
        "level_label": level_labels().get(customer.level, customer.level),
        "tags": list(customer.tags or []),
        "city": customer.city,
        "phone": customer.phone if clear else mask_phone(customer.phone),
        "email": customer.email if clear else mask_email(customer.email),
        "is_masked": not clear,
        "review_status": customer.review_status,
        "url": f"/customers/{customer.pk}/",
    }


def _related_extra_models():
    """Yield (model, fk name) of other apps' rows linked to a customer (returns, visits, surveys as they exist)."""
    for relation in Customer._meta.related_objects:
        model = relation.related_model
        if model._meta.label_lower in OWN_MODELS | records.REGISTERED_MODELS or not relation.one_to_many:
            continue
        yield model, relation.field.name


def customer_stats_many(*, customer_ids: list[int]) -> dict[int, dict]:
    """Return orders, spend, tickets, complaints, returns, last contact and average satisfaction per customer, in one query."""
    empty = {column.key: column.default for column in records.STAT_COLUMNS}
    stats = {pk: {**empty, "returns": 0, "average_satisfaction": None} for pk in customer_ids}
    if not customer_ids:
        return stats
    for pk, figures in customer_stats_rows(customer_ids=customer_ids, extra_models=list(_related_extra_models())).items():
        stats[pk].update(figures)
    return stats


def customer_stats(*, customer: Customer) -> dict:
    """Return the statistics shown at the top of a customer's page."""
    return customer_stats_many(customer_ids=[customer.pk])[customer.pk]


def cursor_encode(key: tuple) -> str:
    at, kind, pk = key
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), kind, pk]).encode()).decode()


def cursor_decode(cursor: str | None) -> tuple | None:
    """Return the (time, kind, id) key of a timeline cursor, or None for a missing or malformed one."""
    if not cursor:
        return None
    try:
        at, kind, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), str(kind), int(pk)
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


def _timeline_sources(customer: Customer, clear: bool, viewer):
    """Yield (kind, label, rows, rows the viewer may open, time field, render) for everything on the timeline."""
    from django.utils.translation import gettext as _

    text = (lambda s: s) if clear else mask_text
    events = CustomerEvent.objects.filter(customer=customer).select_related("actor")
    yield ("archive", _("Archive"), events, events, "created_at",
           lambda e: (e.get_kind_display(), text(e.note[:200]), str(e.actor or "")))
    for source in records.TIMELINE_SOURCES:
        yield from source(customer=customer, text=text, viewer=viewer)


def customer_timeline(*, viewer, customer: Customer, cursor: str | None = None, limit: int = 25) -> dict:
    """Return one page of what the viewer may open about the customer, newest first, and the cursor of the next page.

    ``hidden`` (first page only) counts the rows of other teams the viewer may not open: the page says they exist.
    """
    clear = may_view_pii(viewer)
    after = cursor_decode(cursor)
    items, hidden_rows = [], []
    for kind, label, rows, visible, field, render in _timeline_sources(customer, clear, viewer):
        if visible is not rows and after is None:
            hidden_rows.append(rows.exclude(pk__in=visible.values("pk")).order_by().values_list("pk"))
        queryset = visible.filter(**{f"{field}__lte": after[0]}) if after else visible
        for obj in queryset.order_by(f"-{field}", "-pk")[: limit + 5]:
            key = (getattr(obj, field), kind, obj.pk)
            if after and key >= after:
                continue
            items.append({"key": key, "at": key[0], "kind": kind, "kind_label": label, "id": obj.pk,
                          "row": (obj, render)})
    items.sort(key=lambda item: item["key"], reverse=True)
    page, more = items[:limit], len(items) > limit
    for item in page:  # rendered once the page is known: only its rows
        item.pop("key")
        obj, render = item.pop("row")
        item["title"], item["detail"], item["who"] = render(obj)
    next_cursor = cursor_encode((page[-1]["at"], page[-1]["kind"], page[-1]["id"])) if more and page else None
    # Every source's hidden rows counted in one query.
    hidden = hidden_rows[0].union(*hidden_rows[1:], all=True).count() if hidden_rows else 0
    return {"results": page, "next": next_cursor, "hidden": hidden}


def customer_duplicates_of(*, customer: Customer) -> list[Customer]:
    """Return other open archives sharing a normalized phone or e-mail with this one."""
    values = list(customer.contacts.values_list("normalized", flat=True))
    if not values:
        return []
    ids = (CustomerContact.objects.filter(normalized__in=values).exclude(customer=customer)
           .order_by().values_list("customer_id", flat=True).distinct()[:20])
    return list(Customer.objects.filter(pk__in=list(ids), merged_into__isnull=True))


def duplicate_groups(*, limit: int = 50) -> list[list[Customer]]:
    """Return groups of open archives that share a normalized phone or e-mail (likely duplicates)."""
    shared = (CustomerContact.objects.filter(customer__merged_into__isnull=True).values("normalized")
              .annotate(n=Count("customer", distinct=True)).filter(n__gt=1).order_by().values_list("normalized", flat=True)[:limit])
    groups = []
    for value in shared:
        groups.append(list(Customer.objects.filter(contacts__normalized=value, merged_into__isnull=True).distinct()))
    return groups


def review_list_for_customer(*, customer: Customer):
    """Return the archive reviews of a customer, newest first."""
    return CustomerReview.objects.filter(customer=customer).select_related("submitted_by", "decided_by")


def review_list_pending():
    """Return the pending archive reviews, oldest first."""
    return CustomerReview.objects.filter(status=CustomerReview.Status.PENDING).select_related("customer", "submitted_by").order_by("submitted_at")


def pii_reveal_list_for_viewer(*, viewer):
    """Return the reveal audit log to a supervisor and up; nothing to anyone else."""
    if not viewer.has_perm("customers.view_piireveal"):
        return PiiReveal.objects.none()
    return PiiReveal.objects.select_related("viewer", "customer").order_by("-created_at", "-id")


def pii_reveal_volumes(*, now=None, limit_rows: int = 20) -> list[dict]:
    """Return who revealed most in the last 24 hours, with their last hour beside the hourly limit (supervisors' view).

    A person at the limit (their next reveal is refused) or near it (80 % of it) is flagged: an
    agent looking up many customers' contacts is what the audit is for.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    now = now or timezone.now()
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    rows = list(PiiReveal.objects.filter(created_at__gt=day_ago).order_by().values("viewer")
                .annotate(last_day=Count("id"), last_hour=Count("id", filter=Q(created_at__gt=hour_ago)))
                .order_by("-last_hour", "-last_day", "viewer")[:limit_rows])
    viewers = get_user_model().objects.in_bulk([row["viewer"] for row in rows])
    limit = settings.PII_REVEALS_PER_HOUR
    volumes = []
    for row in rows:
        viewer = viewers.get(row["viewer"])
        limited = viewer is not None and not may_view_pii(viewer)
        volumes.append({
            "viewer": viewer, "last_hour": row["last_hour"], "last_day": row["last_day"], "limit": limit,
            "is_at_limit": limited and row["last_hour"] >= limit,
            "is_near_limit": limited and limit * 0.8 <= row["last_hour"] < limit,
        })
    return volumes


def import_get_for_viewer(*, viewer, pk) -> CustomerImport:
    """Return an import its creator (or a supervisor and up) may follow, or raise Http404."""
    queryset = CustomerImport.objects.all()
    if not may_view_pii(viewer):
        queryset = queryset.filter(created_by=viewer)
    try:
        return queryset.get(pk=int(pk))
    except (CustomerImport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import") from None


def customer_everything(*, customer: Customer) -> dict:
    """Return everything held about a customer, in clear, for a personal-information request (PIPL)."""
    from customers.services import customer_snapshot

    def iso(value):
        return value.isoformat() if value else None

    data = customer_snapshot(customer)
    data["review_status"] = customer.review_status
    for key, section in records.EXPORT_SECTIONS.items():
        data[key] = section(customer)
    data["other_records"] = {
        model._meta.label_lower: [str(obj) for obj in model._default_manager.filter(**{fk: customer})]
        for model, fk in _related_extra_models()
    }
    data["archive_events"] = [{"kind": e.kind, "fields": e.fields, "at": iso(e.created_at)}
                              for e in CustomerEvent.objects.filter(customer=customer)]
    data["reviews"] = [{"status": r.status, "changes": r.changes, "submitted_at": iso(r.submitted_at)}
                       for r in CustomerReview.objects.filter(customer=customer)]
    data["merged_from"] = [m.snapshot for m in CustomerMerge.objects.filter(survivor=customer)]
    data["reveals"] = [{"field": r.field, "at": iso(r.created_at)} for r in PiiReveal.objects.filter(customer=customer)]
    data["requests"] = [{"kind": r.kind, "at": iso(r.created_at)} for r in PiiRequest.objects.filter(customer=customer)]
    return data


def customer_search_hits(*, viewer, q: str, limit: int) -> list[SearchHit]:
    """Return the global search's customer hits: by name, phone in any format or e-mail, contacts masked for the viewer."""
    customers = customer_search(customer_queryset_for_viewer(viewer=viewer), q, numbers=False).order_by("name", "pk")
    return [
        SearchHit(title=row["name"], url=reverse("customers:customer_detail", args=[row["id"]]),
                  subtitle=" · ".join([*row["phones"][:1], *row["emails"][:1], row["level_label"]]))
        for row in customer_list_for_viewer(viewer=viewer, customers=customers[:limit])
    ]
