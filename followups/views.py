"""Follow-up pages: my visits today, a call with its script and outcome, the per-agent report, the public survey."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from customers.selectors import customer_card_for_viewer
from followups import selectors, services, tokens
from followups.forms import VisitCompleteForm, VisitRescheduleForm, VisitTicketForm
from followups.workflow import VisitConflict

view_required = permission_required("followups.view_followupvisit", raise_exception=True)
change_required = permission_required("followups.change_followupvisit", raise_exception=True)


@login_required
@view_required
def visit_list(request):
    """My follow-ups today and overdue ones (SLA colours), or the unassigned visits of my teams."""
    mine = request.GET.get("view") != "team"
    rows = selectors.visit_list_today_for(viewer=request.user, mine=mine)
    context = {"active_section": "followups", "title": _("My follow-ups today") if mine else _("Team follow-ups"),
               "rows": rows, "mine": mine, "may_report": request.user.has_perm("followups.view_followup_report")}
    return render(request, "followups/visit_list.html", context)


@login_required
@view_required
def visit_detail(request, pk):
    """One visit: the customer (masked), the script, the source, the outcome form and its history."""
    visit = selectors.visit_get_for_viewer(viewer=request.user, pk=pk)
    now = timezone.now()
    context = {
        "active_section": "followups", "title": _("Follow-up visit"), "visit": visit,
        "card": customer_card_for_viewer(viewer=request.user, customer=visit.customer),
        "urgency": selectors.visit_urgency(visit, now=now) if visit.status == "pending" else "",
        "events": visit.events.select_related("actor").order_by("created_at", "id"),
        "complete_form": VisitCompleteForm(), "ticket_form": VisitTicketForm(),
        "reschedule_form": VisitRescheduleForm(initial={"due_at": timezone.localtime(now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}),
    }
    return render(request, "followups/visit_detail.html", context)


def _back(visit):
    return redirect("followups:visit_detail", pk=visit.pk)


@login_required
@change_required
@require_POST
def visit_complete_view(request, pk):
    """Record a call's outcome (no answer calls again later)."""
    visit = selectors.visit_get_for_viewer(viewer=request.user, pk=pk)
    form = VisitCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return _back(visit)
    try:
        visit = services.visit_complete(visit=visit, actor=request.user, **form.cleaned_data)
    except VisitConflict as exc:
        messages.error(request, str(exc))
        return _back(visit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(visit)
    if visit.status == "pending":
        messages.success(request, _("No answer recorded; the call is rescheduled for %(at)s.") % {
            "at": timezone.localtime(visit.due_at).strftime("%Y-%m-%d %H:%M")})
    else:
        messages.success(request, _("Follow-up visit completed."))
    return redirect("followups:visit_list")


@login_required
@change_required
@require_POST
def visit_claim_view(request, pk):
    """Take a visit of the team's queue; it then shows under my follow-ups."""
    visit = selectors.visit_get_for_viewer(viewer=request.user, pk=pk)
    try:
        services.visit_claim(visit=visit, actor=request.user)
    except VisitConflict as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('followups:visit_list')}?view=team")
    return _back(visit)


@login_required
@change_required
@require_POST
def visit_reschedule_view(request, pk):
    """Move a visit to a later time."""
    visit = selectors.visit_get_for_viewer(viewer=request.user, pk=pk)
    form = VisitRescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a date and time."))
        return _back(visit)
    try:
        visit = services.visit_reschedule(visit=visit, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Rescheduled for %(at)s.") % {"at": timezone.localtime(visit.due_at).strftime("%Y-%m-%d %H:%M")})
    except (VisitConflict, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    return _back(visit)


@login_required
@change_required
@permission_required("tickets.add_ticket", raise_exception=True)
@require_POST
def visit_ticket_view(request, pk):
    """Open a ticket for a problem found on the visit, in one click."""
    visit = selectors.visit_get_for_viewer(viewer=request.user, pk=pk)
    form = VisitTicketForm(request.POST)
    form.is_valid()
    try:
        ticket = services.visit_ticket_create(visit=visit, actor=request.user,
                                              subject=form.cleaned_data.get("subject", ""))
    except (VisitConflict, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return _back(visit)
    messages.success(request, _("Ticket %(number)s opened from the visit.") % {"number": ticket.number})
    return _back(visit)


@login_required
@permission_required("followups.view_followup_report", raise_exception=True)
def visit_report(request):
    """Completion rates and overdue visits per agent over the last N days (supervisors and up)."""
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    now = timezone.now()
    rows = selectors.visit_report_per_agent(viewer=request.user, since=now - dt.timedelta(days=days), now=now)
    return render(request, "followups/visit_report.html", {
        "active_section": "followups", "title": _("Follow-up completion per agent"), "rows": rows, "days": days})


PROBLEMS = {
    tokens.INVALID: (gettext_lazy("This survey link is not valid."), 404),
    tokens.EXPIRED: (gettext_lazy("This survey link has expired. Thank you all the same!"), 410),
    tokens.ANSWERED: (gettext_lazy("This survey has already been answered. Thank you!"), 200),
}


def _survey_language(request, survey=None) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang") or (survey.language if survey else "")
    return "en" if wanted.startswith("en") else "zh-hans"


@never_cache
def survey_public(request, token):
    """The public survey page (no login): overall score, the dimensions, a comment; one response."""
    try:
        survey = tokens.survey_from_token(token)
    except tokens.SurveyUnavailable as exc:
        with translation.override(_survey_language(request)):
            text, status = PROBLEMS[exc.reason]
            return render(request, "followups/survey_done.html",
                          {"message": str(text), "problem": exc.reason}, status=status)
    language = _survey_language(request, survey)
    with translation.override(language):
        questions = [{"code": q.code, "text": q.text_for(language)} for q in selectors.survey_questions()]
        errors, values = {}, {}
        if request.method == "POST":
            values = {key: request.POST.get(key, "") for key in ["overall", "comment"] + [q["code"] for q in questions]}
            try:
                services.survey_respond(token=token, overall=values["overall"], comment=values["comment"],
                                        answers={q["code"]: values[q["code"]] for q in questions}, respondent=request.user)
            except ValidationError as exc:
                errors = exc.message_dict
            except PermissionDenied as exc:
                return render(request, "followups/survey_done.html", {"message": str(exc), "problem": "staff"},
                              status=403)
            except tokens.SurveyUnavailable as exc:
                text, status = PROBLEMS[exc.reason]
                return render(request, "followups/survey_done.html", {"message": str(text), "problem": exc.reason},
                              status=status)
            else:
                return render(request, "followups/survey_done.html",
                              {"message": _("Thank you for your feedback!"), "problem": ""})
        for question in questions:
            question["value"] = values.get(question["code"], "")
            question["errors"] = errors.get(question["code"], [])
        context = {"survey": survey, "questions": questions, "errors": errors, "values": values, "language": language,
                   "scores": [5, 4, 3, 2, 1], "token": token}
        return render(request, "followups/survey.html", context, status=400 if errors else 200)
