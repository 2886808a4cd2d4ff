"""The department-task queue (部门任务): the open tasks of one's departments, claimed, given and completed in place."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from helpdesk.teams import team_members_by_team
from tickets import services
from tickets.filters import InternalTaskFilterSet
from tickets.selectors import (
    internal_task_assignees,
    internal_task_get_for_user,
    internal_task_list_for_user,
    internal_task_queue,
)
from tickets.services import ClaimConflict

PAGE_SIZE = 25


class TaskDoneForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False)


class TaskQueueView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The open tasks of the user's departments, overdue first then by due time; mine, unassigned, overdue or done."""

    permission_required = "tickets.view_internaltask"

    def get(self, request):
        filterset = InternalTaskFilterSet(request.GET, queryset=internal_task_list_for_user(user=request.user),
                                          request=request)
        tasks = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        tasks = internal_task_queue(tasks.select_related("team__supervisor", "done_by"), done=filterset.shows_done)
        page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        members = team_members_by_team(team_ids={task.team_id for task in rows if task.team_id})
        for task in rows:
            people = {user.pk: user for user in [*members.get(task.team_id, []), task.team and task.team.supervisor]
                      if user is not None}
            task.people = sorted(people.values(), key=lambda user: user.username)
        query = request.GET.copy()
        query.pop("page", None)
        return TemplateResponse(request, "tickets/task_queue.html", {
            "title": _("Department tasks"), "active_section": "tasks", "filterset": filterset, "page": page,
            "rows": rows, "now": timezone.now(), "query": query.urlencode(),
            "can_change": request.user.has_perm("tickets.change_internaltask"),
        }, status=200 if filterset.is_valid() else 400)


class TaskActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Claim a task, give it to one of its team, or complete it with a note; then back to the queue."""

    permission_required = ("tickets.view_internaltask", "tickets.change_internaltask")

    def post(self, request, pk, action):
        task = internal_task_get_for_user(user=request.user, pk=pk)
        try:
            if action == "claim":
                services.internal_task_claim(task=task, actor=request.user)
                messages.success(request, _("The task is yours."))
            elif action == "assign":
                assignee = internal_task_assignees(task=task).filter(pk=request.POST.get("assignee") or 0).first()
                if assignee is None:
                    raise ValidationError(_("Choose someone of the task's team."))
                services.internal_task_assign(task=task, actor=request.user, assignee=assignee)
                messages.success(request, _("Given to %(name)s.") % {"name": assignee})
            elif action == "done":
                form = TaskDoneForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([error for errors in form.errors.values() for error in errors])
                services.internal_task_set_done(task=task, actor=request.user, is_done=True, note=form.cleaned_data["note"])
                messages.success(request, _("Task done; the ticket's agent is told."))
            else:
                raise Http404
        except ClaimConflict as conflict:
            messages.error(request, str(conflict))
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect("tickets:task_queue")
