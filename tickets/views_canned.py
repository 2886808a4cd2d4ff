"""The canned-reply page (快捷回复): list and search, add, edit and delete the replies one may manage."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from helpdesk.roles import RANK, Role, primary_role
from tickets import services
from tickets.forms import CannedReplyForm
from tickets.selectors import canned_replies_for_management, canned_reply_can_manage, canned_reply_teams_for

PAGE_SIZE = 200


def _may_share(user) -> bool:
    role = primary_role(user)
    return user.is_superuser or (role is not None and RANK[role] >= RANK[Role.ADMIN])


def _reply_for(user, pk):
    """Return a reply shown on the user's page, or raise Http404 (another team's reply is not found)."""
    reply = canned_replies_for_management(user=user).filter(pk=pk).first()
    if reply is None:
        raise Http404
    return reply


def _form(request, *, data=None, initial=None):
    return CannedReplyForm(data, initial=initial, teams=canned_reply_teams_for(user=request.user),
                           allow_shared=_may_share(request.user))


class CannedReplyListView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Every canned reply the user may use, with edit and delete where they may manage it."""

    permission_required = "tickets.view_cannedreply"

    def get(self, request):
        q = request.GET.get("q", "")
        replies = list(canned_replies_for_management(user=request.user, q=q)[:PAGE_SIZE])
        rows = [{"reply": reply, "can_manage": canned_reply_can_manage(user=request.user, team=reply.team, reply=reply)}
                for reply in replies]
        return TemplateResponse(request, "tickets/canned_reply_list.html", {
            "active_section": "canned", "title": _("Canned replies"), "rows": rows, "q": q,
            "can_add": canned_reply_teams_for(user=request.user).exists() or _may_share(request.user),
            "truncated": len(replies) == PAGE_SIZE,
        })


class CannedReplyCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Add a canned reply to one of the user's teams (admins: also a shared one)."""

    permission_required = "tickets.add_cannedreply"

    def get(self, request):
        return self.render(request, _form(request))

    def post(self, request):
        form = _form(request, data=request.POST)
        if form.is_valid():
            try:
                reply = services.canned_reply_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Canned reply /%(shortcut)s saved.") % {"shortcut": reply.shortcut})
                return redirect("tickets:canned_list")
        return self.render(request, form, status=400)

    def render(self, request, form, status=200):
        return TemplateResponse(request, "tickets/canned_reply_form.html", {
            "active_section": "canned", "title": _("New canned reply"), "form": form}, status=status)


class CannedReplyEditView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Edit a canned reply the user may manage."""

    permission_required = "tickets.change_cannedreply"

    def get(self, request, pk):
        reply = self._managed(request, pk)
        initial = {"title": reply.title, "shortcut": reply.shortcut, "body": reply.body, "team": reply.team,
                   "is_active": reply.is_active}
        return self.render(request, reply, _form(request, initial=initial))

    def post(self, request, pk):
        reply = self._managed(request, pk)
        form = _form(request, data=request.POST)
        if form.is_valid():
            try:
                services.canned_reply_update(reply=reply, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Canned reply /%(shortcut)s saved.") % {"shortcut": form.cleaned_data["shortcut"]})
                return redirect("tickets:canned_list")
        return self.render(request, reply, form, status=400)

    def _managed(self, request, pk):
        reply = _reply_for(request.user, pk)
        if not canned_reply_can_manage(user=request.user, team=reply.team, reply=reply):
            raise PermissionDenied
        return reply

    def render(self, request, reply, form, status=200):
        return TemplateResponse(request, "tickets/canned_reply_form.html", {
            "active_section": "canned", "title": _("Edit canned reply"), "form": form, "reply": reply}, status=status)


class CannedReplyDeleteView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Delete a canned reply the user may manage (POST only; the list asks for confirmation)."""

    permission_required = "tickets.delete_cannedreply"

    def post(self, request, pk):
        reply = _reply_for(request.user, pk)
        services.canned_reply_delete(reply=reply, actor=request.user)
        messages.success(request, _("Canned reply /%(shortcut)s deleted.") % {"shortcut": reply.shortcut})
        return redirect("tickets:canned_list")


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
