"""Server-rendered order and return pages, and the customer's public return page (no login)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from customers.privacy import mask_phone, may_view_pii
from customers.selectors import customer_may_open
from helpdesk.paging import keyset_page
from orders import forms, importing, services, workflow
from orders.filters import OrderFilterSet, ReturnRequestFilterSet
from orders.models import Order, OrderImport, ReturnDeadline, ReturnRequest
from orders.records import order_sections
from orders.selectors import (deadlines_block, order_find_for_customer, order_list_for_user, return_list_for_user,
                              return_quote, return_timeline_for_customer, returned_quantities)
from tickets.selectors import ticket_list_for_user

ORDER_SALT, RETURN_SALT = "orders.public-order", "orders.public-return"
ORDER_LINK_AGE, RETURN_LINK_AGE = 2 * 86400, 180 * 86400
LOOKUP_LIMIT, LOOKUP_WINDOW = 10, 600


class OrderListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Orders of the shops served, searched by order number, customer or tracking number."""

    permission_required = "orders.view_order"
    template_name = "orders/order_list.html"

    def get_context_data(self, **kwargs):
        filterset = OrderFilterSet(self.request.GET, queryset=order_list_for_user(user=self.request.user))
        rows, next_query = keyset_page(filterset.qs, self.request, "placed_at")
        return super().get_context_data(active_section="orders", title=_("Orders"), filter=filterset, orders=rows,
                                        next_query=next_query, **kwargs)


class OrderDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """One order: items, payment, shipment, status history, its returns; an agent can start a return."""

    permission_required = "orders.view_order"
    template_name = "orders/order_detail.html"

    def get_context_data(self, **kwargs):
        order = get_object_or_404(order_list_for_user(user=self.request.user).prefetch_related("items", "status_changes"),
                                  pk=self.kwargs["pk"])
        returned = returned_quantities(order)
        form = kwargs.pop("form", None) or forms.ReturnApplyForm(order=order, returnable=returned)
        clear = may_view_pii(self.request.user)
        return super().get_context_data(
            active_section="orders", title=order.number, order=order, form=form,
            for_ticket=_ticket_of_order(self.request.GET, user=self.request.user, order=order),
            phone=order.customer.phone if clear else mask_phone(order.customer.phone),
            customer_openable=customer_may_open(viewer=self.request.user, customer=order.customer),
            lines=[(item, returned.get(item.pk, 0)) for item in order.items.all()],
            returns=order.returns.order_by("-created_at"), start_return=self.request.GET.get("return") == "1",
            sections=order_sections(order=order, viewer=self.request.user), **kwargs)

    def post(self, request, pk):
        if not request.user.has_perm("orders.add_returnrequest"):
            raise Http404
        order = get_object_or_404(order_list_for_user(user=request.user), pk=pk)
        form = forms.ReturnApplyForm(request.POST, request.FILES, order=order, returnable=returned_quantities(order))
        if form.is_valid():
            try:
                ret = _apply(form, order=order, actor=request.user,
                             ticket=_ticket_of_order(request.POST, user=request.user, order=order))
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Return %(number)s filed.") % {"number": ret.number})
                return redirect("orders:return_detail", pk=ret.pk)
        return self.render_to_response(self.get_context_data(form=form))


class OrderTicketView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Open a ticket about an order from the order page, then go to the ticket."""

    permission_required = ("orders.view_order", "tickets.add_ticket")

    def post(self, request, pk):
        order = get_object_or_404(order_list_for_user(user=request.user).select_related("customer"), pk=pk)
        try:
            ticket = services.order_ticket_open(order=order, actor=request.user,
                                                subject=request.POST.get("subject", "")[:200],
                                                description=request.POST.get("description", "")[:10_000])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("orders:order_detail", pk=pk)
        messages.success(request, _("Ticket %(number)s opened about order %(order)s.") % {
            "number": ticket.number, "order": order.number})
        return redirect("tickets:ticket_detail", pk=ticket.pk)


def _ticket_of_order(data, *, user, order):
    """Return the ticket named by ``ticket`` if the user may see it and it is about this order, else None."""
    pk = data.get("ticket", "")
    if not pk.isdigit():
        return None
    return ticket_list_for_user(user=user).filter(pk=int(pk), order_id=order.pk).first()


def _apply(form, *, order, actor=None, contact_phone="", ticket=None):
    data = form.cleaned_data
    return services.return_request_create(
        order=order, kind=data["kind"], reason=data["reason"], items=form.items(), actor=actor, ticket=ticket,
        description=data["description"], contact_name=data["contact_name"], contact_phone=contact_phone,
        contact_email=data["contact_email"], exchange_sku=data.get("exchange_sku"), photos=data.get("photos") or [])


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


class OrderImportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Upload a CSV or XLSX file of orders; it is imported in the background and its result page follows it."""

    permission_required = "orders.add_orderimport"
    template_name = "orders/import_upload.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", forms.OrderImportForm())
        return super().get_context_data(active_section="orders", title=_("Import orders"), **kwargs)

    def post(self, request):
        form = forms.OrderImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        job = importing.order_import_create(actor=request.user, upload=form.cleaned_data["file"])
        return redirect("orders:import_detail", pk=job.pk)


class OrderImportDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """An order import's progress (polled by htmx while it runs) and the report of the orders it refused."""

    permission_required = "orders.view_orderimport"
    template_name = "orders/import_detail.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(OrderImport, pk=self.kwargs["pk"])
        return super().get_context_data(active_section="orders", title=_("Import orders"), job=job, **kwargs)

    def get_template_names(self):
        return [f"{self.template_name}#status"] if self.request.htmx else [self.template_name]


class ReturnListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Returns and exchanges with their step deadlines, newest first."""

    permission_required = "orders.view_returnrequest"
    template_name = "orders/return_list.html"

    def get_context_data(self, **kwargs):
        filterset = ReturnRequestFilterSet(self.request.GET, queryset=return_list_for_user(user=self.request.user))
        rows, next_query = keyset_page(filterset.qs, self.request, "created_at")
        return super().get_context_data(
            active_section="returns", title=_("Returns"), filter=filterset, next_query=next_query,
            returns=[(ret, deadlines_block(ret)) for ret in rows], steps=ReturnDeadline.Step, **kwargs)


ACTIONS = {
    # action: (form, service call, permission)
    "approve": (None, lambda ret, user, d, e: services.return_request_approve(return_request=ret, expected_status=e, actor=user), None),
    "reject": (forms.RejectForm, lambda ret, user, d, e: services.return_request_reject(return_request=ret, expected_status=e, actor=user, reason=d["reason"]), None),
    "arrange_pickup": (forms.PickupForm, lambda ret, user, d, e: services.return_request_arrange_pickup(
        return_request=ret, expected_status=e, actor=user, method=d["method"], carrier=d["carrier"], tracking=d["tracking"]), None),
    "receive": (None, lambda ret, user, d, e: services.return_request_receive(return_request=ret, expected_status=e, actor=user), None),
    "inspect": (forms.InspectForm, lambda ret, user, d, e: services.return_request_inspect(
        return_request=ret, expected_status=e, actor=user, passed=d["passed"], notes=d["notes"]), None),
    "refund": (forms.RefundForm, lambda ret, user, d, e: services.return_request_refund(return_request=ret, expected_status=e, actor=user, amount=d["amount"]), None),
    "ship_exchange": (forms.ShipExchangeForm, lambda ret, user, d, e: services.return_request_ship_exchange(
        return_request=ret, expected_status=e, actor=user, carrier=d["carrier"], tracking=d["tracking"]), None),
    "close": (forms.NoteForm, lambda ret, user, d, e: services.return_request_close(return_request=ret, expected_status=e, actor=user, note=d["note"]), None),
    "cancel": (forms.NoteForm, lambda ret, user, d, e: services.return_request_cancel(return_request=ret, expected_status=e, actor=user, reason=d["note"]), None),
    "extend": (forms.ExtendForm, lambda ret, user, d, e: services.return_request_extend(
        return_request=ret, actor=user, step=d["step"], days=d["days"], reason=d["reason"]), "orders.extend_deadline"),
}
ACTION_LABELS = {
    "approve": gettext_lazy("Approve"), "reject": gettext_lazy("Reject"),
    "arrange_pickup": gettext_lazy("Record return shipment"), "receive": gettext_lazy("Goods received"),
    "inspect": gettext_lazy("Record inspection"), "refund": gettext_lazy("Refund"),
    "ship_exchange": gettext_lazy("Ship replacement"), "close": gettext_lazy("Close"), "cancel": gettext_lazy("Cancel"),
    "extend": gettext_lazy("Extend (force majeure)"),
}
# Which actions the detail page offers in each state.
OFFERED = {
    ReturnRequest.Status.SUBMITTED: ["approve", "reject", "cancel"],
    ReturnRequest.Status.CONFIRMED: ["approve", "reject", "cancel"],
    ReturnRequest.Status.APPROVED: ["arrange_pickup", "refund", "cancel"],
    ReturnRequest.Status.AWAITING_RETURN: ["receive", "cancel"],
    ReturnRequest.Status.RECEIVED: ["inspect"],
    ReturnRequest.Status.INSPECTED: ["refund", "ship_exchange", "close"],
    ReturnRequest.Status.AWAITING_REFUND_APPROVAL: ["refund"],
    ReturnRequest.Status.REFUNDED: ["close"],
    ReturnRequest.Status.EXCHANGED: ["close"],
}


def _offered(ret: ReturnRequest, user) -> list[tuple[str, object]]:
    names = [n for n in OFFERED.get(ret.status, []) if not (
        (n == "refund" and ret.kind == ReturnRequest.Kind.EXCHANGE)
        or (n == "ship_exchange" and ret.kind != ReturnRequest.Kind.EXCHANGE)
        or (n == "arrange_pickup" and ret.kind == ReturnRequest.Kind.REFUND_ONLY)
        or (n == "refund" and ret.status == ReturnRequest.Status.APPROVED and ret.kind != ReturnRequest.Kind.REFUND_ONLY))]
    if ret.status in workflow.OPEN_STATES and user.has_perm("orders.extend_deadline"):
        names.append("extend")
    return [(n, ACTION_LABELS[n], ACTIONS[n][0]() if ACTIONS[n][0] else None) for n in names]


class ReturnDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """One return: items, refund quote with every line, step deadlines, timeline and the next actions."""

    permission_required = "orders.view_returnrequest"
    template_name = "orders/return_detail.html"

    def get_context_data(self, **kwargs):
        ret = get_object_or_404(return_list_for_user(user=self.request.user).prefetch_related("items__order_item", "photos"),
                                pk=self.kwargs["pk"])
        clear = may_view_pii(self.request.user)
        return super().get_context_data(
            active_section="returns", title=ret.number, ret=ret, quote=return_quote(return_request=ret),
            deadlines=[(ReturnDeadline.Step(step).label, d) for step, d in deadlines_block(ret).items()],
            events=ret.events.select_related("actor"), actions=_offered(ret, self.request.user),
            phone=ret.contact_phone if clear else mask_phone(ret.contact_phone),
            may_act=self.request.user.has_perm("orders.change_returnrequest"), **kwargs)


def photo_response(*, return_request, photo_id):
    """Return the photo as an inline image download, or 404 when it is not one of this request's photos."""
    from django.http import FileResponse

    photo = get_object_or_404(return_request.photos.all(), pk=photo_id)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type or "application/octet-stream",
                            as_attachment=not photo.content_type, filename=photo.file.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


class ReturnPhotoView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Serve a photo of a return the user may see (never from the public media address)."""

    permission_required = "orders.view_returnrequest"

    def get(self, request, pk, photo_id):
        ret = get_object_or_404(return_list_for_user(user=request.user), pk=pk)
        return photo_response(return_request=ret, photo_id=photo_id)


class ReturnActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Run one step of the flow from the detail page, then show the page again."""

    permission_required = "orders.change_returnrequest"

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        form_class, call, permission = ACTIONS[action]
        ret = get_object_or_404(return_list_for_user(user=request.user), pk=pk)
        if permission and not request.user.has_perm(permission):
            raise PermissionDenied(_("This step needs a supervisor."))
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("orders:return_detail", pk=pk)
        try:
            # The state the page showed: a request someone moved on meanwhile is refused (409 in the API).
            call(ret, request.user, form.cleaned_data if form else {}, request.POST.get("expected_status", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (workflow.TransitionError, workflow.GuardError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Done."))
        return redirect("orders:return_detail", pk=pk)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def public_lookup(request):
    """Let a customer find their order by number and phone, then continue on a signed link (no account)."""
    form = forms.OrderLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"orders:lookup:{_client_ip(request)}"
        tries = cache.get_or_set(key, 0, LOOKUP_WINDOW)
        if tries >= LOOKUP_LIMIT:
            form.add_error(None, _("Too many attempts. Please try again in a few minutes."))
        else:
            order = order_find_for_customer(number=form.cleaned_data["number"], phone=form.cleaned_data["phone"])
            if order is None:
                cache.set(key, tries + 1, LOOKUP_WINDOW)
                form.add_error(None, _("No order matches this number and phone."))
            else:
                token = signing.dumps({"o": order.pk}, salt=ORDER_SALT)
                return redirect("orders:public_order", token=token)
    return render(request, "orders/public/lookup.html", {"form": form, "title": _("Returns and exchanges")})


def public_order(request, token):
    """Show the customer's order, its returns, and the application form."""
    try:
        order_id = signing.loads(token, salt=ORDER_SALT, max_age=ORDER_LINK_AGE)["o"]
    except signing.BadSignature:
        return redirect("orders:public_lookup")
    order = get_object_or_404(Order.objects.select_related("customer").prefetch_related("items"), pk=order_id)
    returned = returned_quantities(order)
    form = forms.ReturnApplyForm(request.POST or None, request.FILES or None, order=order, returnable=returned)
    if request.method == "POST" and form.is_valid():
        try:
            ret = _apply(form, order=order, contact_phone=order.customer.phone)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("orders:public_status", token=signing.dumps({"r": ret.pk}, salt=RETURN_SALT))
    returns = [(r, signing.dumps({"r": r.pk}, salt=RETURN_SALT)) for r in order.returns.order_by("-created_at")]
    return render(request, "orders/public/order.html", {
        "order": order, "form": form, "returns": returns, "title": _("Apply for a return or exchange")})


def public_status(request, token):
    """Show the customer the timeline of their return; they may cancel before the goods are received."""
    try:
        return_id = signing.loads(token, salt=RETURN_SALT, max_age=RETURN_LINK_AGE)["r"]
    except signing.BadSignature:
        return redirect("orders:public_lookup")
    ret = get_object_or_404(ReturnRequest.objects.select_related("order"), pk=return_id)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.return_request_cancel(return_request=ret, reason=_("Cancelled by the customer"),
                                           expected_status=request.POST.get("expected_status", ""))
        except workflow.TransitionError as exc:
            messages.error(request, str(exc))
        return redirect(reverse("orders:public_status", args=[token]))
    return render(request, "orders/public/status.html", {
        "ret": ret, "timeline": return_timeline_for_customer(return_request=ret), "title": ret.number,
        "may_cancel": ret.status in workflow.CANCELLABLE})
