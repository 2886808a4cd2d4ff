"""Server-rendered customer pages; every read of a customer goes through the selectors' gatekeeper."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import selectors, services
from customers.export import customer_list_csv_response, customer_pii_json_response
from customers.filters import CustomerFilterSet
from customers.forms import CustomerForm, ImportForm, MergeForm, ReasonForm, RevealForm, ReviewDecisionForm
from customers.imports import import_progress
from customers.models import Customer, CustomerReview
from customers.privacy import may_change_directly
from customers.tasks import import_start
from helpdesk.spreadsheets import row_safe

PAGE_SIZE = 25
view_required = permission_required("customers.view_customer", raise_exception=True)


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@view_required
def customer_list(request):
    """The archive list: search (name, phone in any format, e-mail, order or ticket number), filters, pages."""
    filterset = CustomerFilterSet(request.GET, queryset=selectors.customer_queryset_for_viewer(viewer=request.user))
    queryset = filterset.qs if filterset.is_valid() else Customer.objects.none()
    before = request.GET.get("before", "")
    if before.isdigit():
        queryset = queryset.filter(pk__lt=int(before))
    page = list(queryset.order_by("-id")[: PAGE_SIZE + 1])
    rows = selectors.customer_list_for_viewer(viewer=request.user, customers=page[:PAGE_SIZE])
    query = request.GET.copy()
    query.pop("before", None)
    next_query = None
    if len(page) > PAGE_SIZE:
        query["before"] = page[PAGE_SIZE - 1].pk
        next_query = query.urlencode()
    export_query = request.GET.copy()
    export_query.pop("before", None)
    context = {"active_section": "customers", "title": _("Customers"), "filterset": filterset, "rows": rows,
               "next_query": next_query, "export_query": export_query.urlencode(),
               "levels": selectors.level_labels()}
    if request.htmx:
        return render(request, "customers/customer_list.html#results", context)
    return render(request, "customers/customer_list.html", context)


@login_required
@permission_required("customers.add_customer", raise_exception=True)
def customer_create_view(request):
    """Create an archive."""
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer = services.customer_create(actor=request.user, **form.changes)
        messages.success(request, _("Archive created."))
        return redirect("customers:customer_detail", pk=customer.pk)
    return render(request, "customers/customer_form.html",
                  {"active_section": "customers", "title": _("New customer"), "form": form})


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request, pk):
    """Change an archive (contacts shown masked to those who may not see them are not editable here)."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    if not may_change_directly(request.user):
        raise PermissionDenied(_("Changing contacts needs permission to see them; submit an archive review instead."))
    data = selectors.customer_data_for_viewer(viewer=request.user, customer=customer)
    initial = {**data, "phones": "\n".join(data["phones"]), "emails": "\n".join(data["emails"]),
               "addresses": "\n".join(data["addresses"]), "tags": ", ".join(data["tags"])}
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(actor=request.user, customer=customer, **form.changes)
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
        else:
            messages.success(request, _("Archive saved."))
        return redirect("customers:customer_detail", pk=customer.pk)
    return render(request, "customers/customer_form.html",
                  {"active_section": "customers", "title": _("Change archive"), "form": form, "customer": data})


@login_required
@view_required
def customer_detail(request, pk):
    """A customer's page: archive (masked as needed), stats, timeline, reviews, duplicates, PIPL actions."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    timeline = selectors.customer_timeline(viewer=request.user, customer=customer)
    context = {
        "active_section": "customers",
        "title": customer.name,
        "customer": selectors.customer_data_for_viewer(viewer=request.user, customer=customer),
        "stats": selectors.customer_stats(customer=customer),
        "timeline": timeline,
        "reviews": selectors.review_list_for_customer(customer=customer)[:20],
        "duplicates": selectors.customer_duplicates_of(customer=customer),
        "may_reveal": services.may_reveal(request.user),
        "review_form": ReasonForm(),
    }
    return render(request, "customers/customer_detail.html", context)


@login_required
@view_required
def customer_timeline_page(request, pk):
    """The next page of a customer's timeline (an htmx fragment)."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    timeline = selectors.customer_timeline(viewer=request.user, customer=customer, cursor=request.GET.get("cursor"))
    return render(request, "customers/customer_detail.html#timeline",
                  {"customer": {"id": customer.pk}, "timeline": timeline})


@login_required
@view_required
@require_POST
def customer_reveal_view(request, pk):
    """Reveal one field of one customer with a reason (an htmx fragment with the clear values), audited."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    form = RevealForm(request.POST)
    context = {"customer": {"id": customer.pk}, "field": request.POST.get("field", "")}
    if not form.is_valid():
        context["error"] = _("Give the reason for seeing this field.")
        return render(request, "customers/customer_detail.html#reveal", context, status=200 if request.htmx else 400)
    try:
        context["values"] = services.customer_reveal(viewer=request.user, customer=customer, **form.cleaned_data)
    except ValidationError as exc:
        context["error"] = _errors_text(exc)
        return render(request, "customers/customer_detail.html#reveal", context, status=200 if request.htmx else 400)
    except services.RevealLimitReached as exc:
        context["error"] = str(exc)
        return render(request, "customers/customer_detail.html#reveal", context, status=200 if request.htmx else 429)
    return render(request, "customers/customer_detail.html#reveal", context)


@login_required
@view_required
@require_POST
def customer_review_submit_view(request, pk):
    """Submit the archive for archive review (建档评审)."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    form = ReasonForm(request.POST)
    try:
        form.is_valid()
        services.customer_review_submit(actor=request.user, customer=customer, note=form.cleaned_data.get("reason", ""))
        messages.success(request, _("Submitted for archive review."))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    return redirect("customers:customer_detail", pk=customer.pk)


@login_required
@permission_required("customers.review_customer", raise_exception=True)
@require_POST
def customer_review_decide_view(request, pk, review_id):
    """Approve or reject a pending archive review, with a reason."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    review = CustomerReview.objects.filter(customer=customer, pk=review_id).first()
    if review is None:
        raise Http404
    form = ReviewDecisionForm(request.POST)
    form.is_valid()
    try:
        services.customer_review_decide(actor=request.user, review=review, approve=form.cleaned_data.get("approve", False),
                                        reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("Review decided."))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    if request.POST.get("next") == "queue":
        return redirect("customers:review_queue")
    return redirect("customers:customer_detail", pk=customer.pk)


@login_required
@permission_required("customers.review_customer", raise_exception=True)
def review_queue(request):
    """Pending archive reviews, oldest first (supervisors)."""
    return render(request, "customers/review_queue.html", {
        "active_section": "customers", "title": _("Archive reviews"), "reviews": selectors.review_list_pending()[:100],
    })


@login_required
@permission_required("customers.merge_customer", raise_exception=True)
def duplicate_list(request):
    """Likely duplicates (same normalized phone or e-mail) and the merge form (supervisors)."""
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = Customer.objects.in_bulk([form.cleaned_data["survivor"], form.cleaned_data["duplicate"]])
        survivor, duplicate = found.get(form.cleaned_data["survivor"]), found.get(form.cleaned_data["duplicate"])
        try:
            if survivor is None or duplicate is None:
                raise ValidationError(_("No such customer."))
            services.customer_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
        else:
            messages.success(request, _("Archives merged; everything moved to #%(pk)s.") % {"pk": survivor.pk})
            return redirect("customers:customer_detail", pk=survivor.pk)
    groups = [selectors.customer_list_for_viewer(viewer=request.user, customers=group)
              for group in selectors.duplicate_groups()]
    return render(request, "customers/duplicate_list.html", {
        "active_section": "customers", "title": _("Duplicate customers"), "groups": groups, "form": form,
    })


@login_required
@permission_required("customers.view_piireveal", raise_exception=True)
def reveal_audit(request):
    """The audit log of personal-data reveals (supervisors; read only)."""
    queryset = selectors.pii_reveal_list_for_viewer(viewer=request.user)
    before = request.GET.get("before", "")
    if before.isdigit():
        queryset = queryset.filter(pk__lt=int(before))
    rows = list(queryset[:51])
    return render(request, "customers/reveal_audit.html", {
        "active_section": "customers", "title": _("Personal data reveals"), "rows": rows[:50],
        "next_before": rows[49].pk if len(rows) > 50 else None,
        "volumes": selectors.pii_reveal_volumes() if not before else None, "reveal_limit": settings.PII_REVEALS_PER_HOUR,
    })


@login_required
@view_required
def customer_export(request):
    """The filtered list as CSV, masked for the viewer."""
    filterset = CustomerFilterSet(request.GET, queryset=selectors.customer_queryset_for_viewer(viewer=request.user))
    if not filterset.is_valid():
        return HttpResponse(_("Invalid filter."), status=400)
    return customer_list_csv_response(viewer=request.user, queryset=filterset.qs)


@login_required
@permission_required("customers.export_customer", raise_exception=True)
@require_POST
def customer_personal_data(request, pk):
    """Export everything held about one customer as JSON (PIPL request), recorded."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    services.customer_pii_export_record(actor=request.user, customer=customer, reason=form.cleaned_data.get("reason", "")[:255])
    return customer_pii_json_response(customer=customer)


@login_required
@permission_required("customers.anonymize_customer", raise_exception=True)
@require_POST
def customer_anonymize_view(request, pk):
    """Anonymize a customer (PIPL request): personal fields erased, statistics kept, recorded."""
    customer = selectors.customer_get_for_viewer(viewer=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.customer_anonymize(actor=request.user, customer=customer, reason=form.cleaned_data.get("reason", "")[:255])
        messages.success(request, _("The customer was anonymized."))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    return redirect("customers:customer_detail", pk=customer.pk)


@login_required
@permission_required("customers.add_customerimport", raise_exception=True)
def import_upload(request):
    """Upload a CSV or XLSX file of customers and choose what happens to bad rows."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.customer_import_create(actor=request.user, upload=form.cleaned_data["file"],
                                                  mode=form.cleaned_data["mode"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            import_start(job)
            return redirect("customers:import_detail", pk=job.pk)
    return render(request, "customers/import_upload.html",
                  {"active_section": "customers", "title": _("Import customers"), "form": form})


@login_required
@permission_required("customers.add_customerimport", raise_exception=True)
def import_detail(request, pk):
    """An import's progress (polled by htmx while it runs) and its per-row error report."""
    job = selectors.import_get_for_viewer(viewer=request.user, pk=pk)
    context = {"active_section": "customers", "title": _("Import customers"), "job": job, "progress": import_progress(job)}
    if request.htmx:
        return render(request, "customers/import_detail.html#status", context)
    return render(request, "customers/import_detail.html", context)


@login_required
@permission_required("customers.add_customerimport", raise_exception=True)
def import_errors_csv(request, pk):
    """The import's error report as CSV: row, column, message."""
    job = selectors.import_get_for_viewer(viewer=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["row", "column", "message"])
    for error in job.errors:
        writer.writerow(row_safe([error["row"], error["column"], error["message"]]))
    return response

