"""Knowledge pages: the article list, editor, review and versions; the public help centre (/help/); training."""

import calendar
import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from knowledge import selectors, services
from knowledge.filters import ArticleFilterSet
from helpdesk.models import User
from helpdesk.spreadsheets import row_safe
from knowledge.forms import (
    ArticleForm, AssignForm, FlagForm, HelpSearchForm, MonthForm, QuizForm, SolvedForm, TransitionForm,
)
from knowledge.models import Article
from knowledge.rendering import markdown_html, markdown_text
from knowledge.workflow import TRANSITIONS, ArticleConflict
from tickets.selectors import ticket_get_for_user

view_required = permission_required("knowledge.view_article", raise_exception=True)
change_required = permission_required("knowledge.change_article", raise_exception=True)


def _errors_to_form(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@view_required
def article_list(request):
    """Articles the viewer may read, filtered by status, audience, language, category and search words."""
    filterset = ArticleFilterSet(request.GET or None, queryset=selectors.article_queryset_for_viewer(viewer=request.user))
    status = 200 if filterset.is_valid() or not request.GET else 400
    rows = filterset.qs[:200] if status == 200 else []
    return render(request, "knowledge/article_list.html", {
        "active_section": "knowledge", "title": _("Knowledge base"), "filterset": filterset, "rows": rows,
        "may_write": request.user.has_perm("knowledge.change_article")}, status=status)


@login_required
@change_required
@csrf_protect
def article_new(request):
    """Write a new article (a draft)."""
    form = ArticleForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:article_detail", pk=article.pk)
    return render(request, "knowledge/article_form.html", {
        "active_section": "knowledge", "title": _("New article"), "form": form},
        status=400 if request.method == "POST" else 200)


@login_required
@change_required
@csrf_protect
def article_edit(request, pk):
    """Edit an article; a changed title or body is saved as a new version."""
    article = selectors.article_get_for_viewer(viewer=request.user, pk=pk)
    initial = {field: getattr(article, field) for field in services.EDITABLE}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(article=article, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:article_detail", pk=article.pk)
    return render(request, "knowledge/article_form.html", {
        "active_section": "knowledge", "title": _("Edit article"), "form": form, "article": article},
        status=400 if request.method == "POST" else 200)


@login_required
@view_required
def article_detail(request, pk):
    """One article as readers see it, with its status steps, versions and history."""
    article = selectors.article_get_for_viewer(viewer=request.user, pk=pk)
    may_write = request.user.has_perm("knowledge.change_article")
    steps = [(value, label) for value, label in Article.Status.choices if value in TRANSITIONS[article.status]]
    return render(request, "knowledge/article_detail.html", {
        "active_section": "knowledge", "title": article.title, "article": article, "body_html": markdown_html(article.body),
        "may_write": may_write, "steps": steps if may_write else [],
        "versions": selectors.article_versions(article=article) if may_write else [],
        "events": article.events.select_related("actor")[:50] if may_write else []})


@login_required
@view_required
def ticket_articles(request, ticket_pk):
    """Suggested articles beside a ticket (an HTMX fragment of the ticket page's side panel)."""
    ticket = ticket_get_for_user(user=request.user, pk=ticket_pk)
    articles = selectors.article_suggestions_for_ticket(viewer=request.user, ticket=ticket)
    rows = [{"article": article, "text": markdown_text(article.body),
             "link": request.build_absolute_uri(reverse("knowledge:help_article", args=[article.pk]))
             if article.audience == Article.Audience.PUBLIC else ""} for article in articles]
    return render(request, "knowledge/_ticket_articles.html", {"rows": rows, "ticket": ticket})


@login_required
@view_required
@require_POST
def article_flag_view(request, pk):
    """Flag an article as outdated (from the ticket page's panel); its owner is notified."""
    article = selectors.article_get_for_viewer(viewer=request.user, pk=pk)
    form = FlagForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.article_flag(article=article, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            status = 200
    return render(request, "knowledge/_flag.html", {"article": article, "form": form, "done": status == 200},
                  status=status)


@login_required
@change_required
def article_diff(request, pk):
    """The line diff between two versions of an article (?old=1&new=2)."""
    article = selectors.article_get_for_viewer(viewer=request.user, pk=pk)
    try:
        old, new = int(request.GET.get("old", "")), int(request.GET.get("new", ""))
    except ValueError:
        return render(request, "knowledge/article_diff.html", {
            "active_section": "knowledge", "title": _("Compare versions"), "article": article,
            "error": _("Choose two versions to compare.")}, status=400)
    return render(request, "knowledge/article_diff.html", {
        "active_section": "knowledge", "title": _("Compare versions"), "article": article, "old": old, "new": new,
        "rows": selectors.article_version_diff(article=article, old=old, new=new)})


@login_required
@change_required
@require_POST
def article_transition_view(request, pk):
    """Submit for review, publish, send back to draft or archive; refusals come back as messages."""
    article = selectors.article_get_for_viewer(viewer=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("knowledge:article_detail", pk=article.pk)
    try:
        services.article_transition(article=article, actor=request.user, target=form.cleaned_data["status"],
                                    note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (ArticleConflict, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Status changed."))
    return redirect("knowledge:article_detail", pk=article.pk)


KPI_PERIODS = (7, 30, 90)


@login_required
@permission_required("kpi.view_dashboard", raise_exception=True)
def knowledge_kpi(request):
    """Article views, searches without result and the deflection rate over 7, 30 or 90 days (supervisors)."""
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 0
    if days not in KPI_PERIODS:
        return render(request, "knowledge/kpi.html", {
            "active_section": "knowledge", "title": _("Knowledge base KPIs"), "periods": KPI_PERIODS,
            "error": _("Choose 7, 30 or 90 days.")}, status=400)
    first, last = month_bounds(timezone.localdate().replace(day=1))
    return render(request, "knowledge/kpi.html", {
        "active_section": "knowledge", "title": _("Knowledge base KPIs"), "periods": KPI_PERIODS,
        "kpi": selectors.knowledge_kpis(days=days), "training_month": first,
        "training": selectors.training_month_completion(viewer=request.user, first=first, last=last,
                                                         by_agent=False)["teams"]})


# The public help centre (no login).

def _help_language() -> str:
    language = (get_language() or "").lower()
    return language if language in Article.Language.values else Article.Language.ZH_HANS


def help_index(request):
    """The help centre: the search box and the newest articles, or the results of a search."""
    form = HelpSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "knowledge/help/index.html", {"form": form, "title": _("Help centre")}, status=400)
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    articles = selectors.article_queryset_public(language=_help_language()).defer("body")  # a list of titles
    if query.strip():
        results = selectors.article_search(articles, query=query)
        if not results:
            services.search_miss_record(term=query)
    else:
        results = list(articles.order_by("-published_at", "-id")[:20])
    template = "knowledge/help/index.html#results" if request.htmx else "knowledge/help/index.html"
    return render(request, template, {"form": form, "query": query, "results": results, "title": _("Help centre")})


def help_article(request, pk):
    """One public article; each reading counts on the article's row of the day."""
    article = selectors.article_get_public(pk=pk)
    services.article_view_count(article=article)
    return render(request, "knowledge/help/article.html", {
        "article": article, "body_html": markdown_html(article.body), "title": article.title})


SUGGESTIONS = 3


def help_suggest(request):
    """Public articles for what a customer is typing (the web form's description, ``?q=``); an HTMX fragment."""
    query = (request.GET.get("q") or request.GET.get("description") or "")[:selectors.MAX_QUERY]
    source = request.GET.get("source", "web_form")
    if source not in {value for value, _label in SolvedForm.base_fields["source"].choices}:
        return HttpResponse(_("Unknown source."), status=400)
    if services.help_rate_limited(ip=request.META.get("REMOTE_ADDR", ""), what="suggest"):
        return render(request, "knowledge/help/_limited.html", status=429)
    results = []
    if len(query.strip()) >= 2:
        results = selectors.article_search(selectors.article_queryset_public(language=_help_language()), query=query,
                                           limit=SUGGESTIONS, loose=True)
    return render(request, "knowledge/help/_suggest.html", {"results": results, "source": source})


@csrf_protect
@require_POST
def help_solved(request, pk):
    """Count that an article solved the customer's problem; nothing is filed."""
    article = selectors.article_get_public(pk=pk)
    form = SolvedForm(request.POST)
    if not form.is_valid():
        return HttpResponse(" ".join(form.errors.get("source", [])), status=400)
    if services.help_rate_limited(ip=request.META.get("REMOTE_ADDR", ""), what="solved"):
        return render(request, "knowledge/help/_limited.html", status=429)
    services.deflection_record(article=article, source=form.cleaned_data["source"])
    return render(request, "knowledge/help/_solved.html", {"article": article})


# Training (培训): 我的培训 for agents, assignment and completion for supervisors.

training_required = permission_required("knowledge.view_trainingrecord", raise_exception=True)
assign_required = permission_required("knowledge.add_trainingassignment", raise_exception=True)


def _month(request) -> tuple[MonthForm, dt.date | None]:
    """Return the month form and the first day of the chosen month (this month by default; None when invalid)."""
    form = MonthForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    value = form.cleaned_data.get("month") if form.is_bound else ""
    return form, (dt.date.fromisoformat(f"{value}-01") if value else timezone.localdate().replace(day=1))


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and the last day of a month."""
    return month, month.replace(day=calendar.monthrange(month.year, month.month)[1])


@login_required
@training_required
def training_mine(request):
    """我的培训: the agent's assignments, open ones soonest due first, then the history of results."""
    records = list(selectors.training_record_list_for_agent(agent=request.user))
    return render(request, "knowledge/training_mine.html", {
        "active_section": "training", "title": _("My training"), "today": timezone.localdate(),
        "open": [record for record in records if record.completed_at is None],
        "done": [record for record in records if record.completed_at is not None],
        "may_assign": request.user.has_perm("knowledge.add_trainingassignment")})


@login_required
@training_required
def training_record(request, pk):
    """One training record: its articles (read or not), its quiz, the attempts and the history."""
    record = selectors.training_record_get_for_viewer(viewer=request.user, pk=pk)
    read = set(record.reads.values_list("article_id", flat=True))
    return render(request, "knowledge/training_record.html", {
        "active_section": "training", "title": record.assignment.title, "record": record, "today": timezone.localdate(),
        "articles": [(article, article.pk in read) for article in record.assignment.articles.all()],
        "attempts": selectors.training_record_attempts(record=record), "is_mine": record.agent_id == request.user.pk,
        "events": record.events.select_related("actor")})


@login_required
@training_required
def training_read(request, pk, article_pk):
    """Open an assigned article; the agent's first opening marks it read."""
    record = selectors.training_record_get_for_viewer(viewer=request.user, pk=pk, own=True)
    article = record.assignment.articles.filter(pk=article_pk).first()
    if article is None:
        raise Http404("No such article in this assignment")
    services.training_article_read(record=record, agent=request.user, article=article)
    return render(request, "knowledge/training_read.html", {
        "active_section": "training", "title": article.title, "record": record, "article": article,
        "body_html": markdown_html(article.body)})


@login_required
@training_required
@csrf_protect
def training_quiz(request, pk):
    """Take the assignment's quiz on one page; after submitting, the score and which answers were wrong."""
    record = selectors.training_record_get_for_viewer(viewer=request.user, pk=pk, own=True)
    if record.assignment.quiz_id is None:
        raise Http404("This assignment has no quiz")
    form = QuizForm(request.POST if request.method == "POST" else None, review=selectors.training_quiz_review(record=record, attempt=None))
    attempt, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                attempt = services.training_quiz_submit(record=record, agent=request.user, answers=form.answers())
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                status = 200
                record.refresh_from_db()
    elif record.passed:
        attempt = selectors.training_record_attempts(record=record).first()
    return render(request, "knowledge/training_quiz.html", {
        "active_section": "training", "title": record.assignment.quiz.title, "record": record, "form": form,
        "attempt": attempt, "review": selectors.training_quiz_review(record=record, attempt=attempt) if attempt else None},
        status=status)


@login_required
@assign_required
@csrf_protect
def training_assign_view(request):
    """Assign articles and/or a quiz to one of the supervisor's teams or to agents of it, by a due date."""
    teams = selectors.training_teams_for_viewer(viewer=request.user)
    form = AssignForm(request.POST if request.method == "POST" else None, teams=teams,
                      agents=User.objects.filter(teams__in=teams, is_active=True).distinct().order_by("username"),
                      articles=selectors.article_queryset_for_viewer(viewer=request.user).filter(status="published"))
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.training_assign(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Training assigned to %(count)s agents.") % {"count": assignment.records.count()})
            return redirect("knowledge:training_team")
    return render(request, "knowledge/training_assign.html", {
        "active_section": "training", "title": _("Assign training"), "form": form},
        status=400 if request.method == "POST" else 200)


@login_required
@assign_required
def training_team(request):
    """Completion of the month's training per team and per agent of the supervisor's teams (?month=YYYY-MM)."""
    form, month = _month(request)
    context = {"active_section": "training", "title": _("Training completion"), "form": form}
    if month is None:
        return render(request, "knowledge/training_team.html", context, status=400)
    first, last = month_bounds(month)
    completion = selectors.training_month_completion(viewer=request.user, first=first, last=last)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="training-{month:%Y-%m}.csv"'
        response.write("\ufeff")  # Excel and WPS read UTF-8 only after a byte-order mark
        writer = csv.writer(response)
        writer.writerow([_("Team"), _("Agent"), _("Due"), _("Completed"), _("Overdue"), _("Completion, %"),
                         _("Mean score, %")])
        for row in completion["agents"]:
            writer.writerow(row_safe([row["agent__teams__name"], row["agent__display_name"] or row["agent__username"],
                                      row["due"], row["done"], row["overdue"], row["rate"],
                                      "" if row["mean_score"] is None else round(row["mean_score"], 2)]))
        return response
    assignments = selectors.training_assignment_list_for_viewer(viewer=request.user).filter(
        due_on__gte=first, due_on__lte=last)
    return render(request, "knowledge/training_team.html", {
        **context, "month": month, "completion": completion, "assignments": assignments[:50]})


@login_required
@assign_required
def training_agent(request, agent_pk):
    """One agent's training records of a month, for their supervisor."""
    form, month = _month(request)
    records = selectors.training_record_list_for_viewer(viewer=request.user).filter(agent_id=agent_pk)
    agent = User.objects.filter(pk__in=records.values("agent_id")).first()
    if agent is None:
        raise Http404("No such agent")
    context = {"active_section": "training", "title": _("Training of %(agent)s") % {
        "agent": agent.display_name or agent.username}, "form": form, "agent": agent, "today": timezone.localdate()}
    if month is None:
        return render(request, "knowledge/training_agent.html", context, status=400)
    first, last = month_bounds(month)
    return render(request, "knowledge/training_agent.html", {
        **context, "month": month,
        "records": records.filter(assignment__due_on__gte=first, assignment__due_on__lte=last)})
