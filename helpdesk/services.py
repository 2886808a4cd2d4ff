"""Writes to users, teams, API tokens, sign-in failures and business calendars."""

import datetime as dt
from collections.abc import Callable

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from helpdesk.calendars import provisional_year_warning
from helpdesk.enqueue import enqueue_each, enqueue_on_commit
from helpdesk.holiday_notice import NoticeSchedule
from helpdesk.login_throttle import KEEP_AT_LEAST, login_key, login_window
from helpdesk.models import (
    BusinessCalendar, CalendarHoliday, CalendarWorkday, CalendarYear, CalendarYearEntry, LoginFailure,
    ProvisionalYearAlert, User,
)
from helpdesk.roles import Role, has_role_at_least
from helpdesk.statutory_holidays import provisional_holiday_names
from helpdesk.tokens import token_refusal

# A recomputation that wrote no progress for this long lost its task (worker killed, broker down): send it again.
STALLED_AFTER = dt.timedelta(minutes=10)


@transaction.atomic
def user_sync_staff(*, user: User) -> bool:
    """Give Django admin access to exactly the users with the Admin role; return whether it changed."""
    is_staff = user.is_superuser or has_role_at_least(user, Role.ADMIN)
    changed = User.objects.filter(pk=user.pk).exclude(is_staff=is_staff).update(is_staff=is_staff) > 0
    user.is_staff = is_staff
    return changed


def calendar_touch(*, calendar_id: int) -> None:
    """Bump a business calendar's revision so every process rebuilds its cached ``CalendarSpec``."""
    BusinessCalendar.objects.filter(pk=calendar_id).update(revision=F("revision") + 1)


@transaction.atomic
def calendar_year_enter(*, calendar: BusinessCalendar, schedule: NoticeSchedule, actor, source: str = "") -> CalendarYearEntry:
    """Store a year's official holiday schedule on the calendar, replacing that year's rows, and recompute after commit.

    The year stops being provisional at once (one transaction with the new revision); the open deadlines
    it moves are recomputed by ``calendar_year_recompute`` in a task, progress recorded on the entry.
    """
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    dates = set(schedule.holidays) | set(schedule.workdays)
    in_year = Q(date__year=schedule.year) | Q(date__in=dates)
    CalendarHoliday.objects.filter(in_year, calendar=calendar).delete()
    CalendarWorkday.objects.filter(in_year, calendar=calendar).delete()
    CalendarHoliday.objects.bulk_create(CalendarHoliday(calendar=calendar, date=day, name=name[:64])
                                        for day, name in sorted(schedule.holidays.items()))
    CalendarWorkday.objects.bulk_create(CalendarWorkday(calendar=calendar, date=day, name=name[:64])
                                        for day, name in sorted(schedule.workdays.items()))
    source = source[:64] or _("State Council notice")
    CalendarYear.objects.update_or_create(calendar=calendar, year=schedule.year, defaults={"source": source})
    entry = calendar_year_entry_start(calendar=calendar, year=schedule.year, actor=actor,
                                      kind=CalendarYearEntry.Kind.NOTICE, source=source,
                                      days=(len(schedule.holidays), len(schedule.workdays)))
    calendar_touch(calendar_id=calendar.pk)
    return entry


def calendar_year_entry_start(*, calendar: BusinessCalendar, year: int, actor, kind: str, source: str,
                              days: tuple[int, int]) -> CalendarYearEntry:
    """Record a change to a calendar's year (days off, make-up days), and recompute the open deadlines after commit."""
    entry = CalendarYearEntry.objects.create(
        calendar=calendar, year=year, kind=kind, source=source[:128], holiday_count=days[0], workday_count=days[1],
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    from helpdesk import tasks

    enqueue_on_commit(tasks.calendar_year_recompute, entry_id=entry.pk)
    return entry


DAY_KINDS = ("holiday", "makeup", "work")


@transaction.atomic
def calendar_days_save(*, calendar: BusinessCalendar, year: int, changes: dict[dt.date, str], official: bool,
                       actor) -> dict[str, int | None]:
    """Apply the year grid's changed days (date → ``holiday``, ``makeup`` or ``work``) as one diff; return the counts.

    Only days whose kind really changes are written (their holiday or make-up row deleted or created), all in one
    transaction with the official-year flag, the calendar's new revision and an admin history record; the open
    deadlines the changed days move are recomputed after commit, tracked by the ``entry`` it returns. Raise
    ``ValidationError`` for a day outside ``year``, an unknown kind or a make-up day on a weekday.
    """
    problems = []
    for day, kind in sorted(changes.items()):
        if day.year != year:
            problems.append(_("%(day)s is not in %(year)s.") % {"day": day.isoformat(), "year": year})
        elif kind not in DAY_KINDS:
            problems.append(_("%(day)s: unknown kind of day “%(kind)s”.") % {"day": day.isoformat(), "kind": kind})
        elif kind == "makeup" and day.weekday() < 5:
            problems.append(_("%(day)s: a make-up working day must be a Saturday or a Sunday.") % {"day": day.isoformat()})
    if problems:
        raise ValidationError(problems)
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    holidays = set(CalendarHoliday.objects.filter(calendar=calendar, date__in=changes).values_list("date", flat=True))
    workdays = set(CalendarWorkday.objects.filter(calendar=calendar, date__in=changes).values_list("date", flat=True))
    changed = {day: kind for day, kind in changes.items()
               if kind != ("holiday" if day in holidays else "makeup" if day in workdays else "work")}
    CalendarHoliday.objects.filter(calendar=calendar, date__in=[d for d in changed if d in holidays]).delete()
    CalendarWorkday.objects.filter(calendar=calendar, date__in=[d for d in changed if d in workdays]).delete()
    names = provisional_holiday_names(year)
    CalendarHoliday.objects.bulk_create(CalendarHoliday(calendar=calendar, date=day, name=names.get(day, ""))
                                        for day, kind in sorted(changed.items()) if kind == "holiday")
    CalendarWorkday.objects.bulk_create(CalendarWorkday(calendar=calendar, date=day)
                                        for day, kind in sorted(changed.items()) if kind == "makeup")
    was_official = calendar.years.filter(year=year).exists()
    if official and not was_official:
        CalendarYear.objects.create(calendar=calendar, year=year, source=_("year grid"))
    elif was_official and not official:
        CalendarYear.objects.filter(calendar=calendar, year=year).delete()
    counts = {kind: sum(value == kind for value in changed.values()) for kind in DAY_KINDS}
    counts["official"] = int(official != was_official)
    counts["entry"] = None
    if changed:
        in_year = {"calendar": calendar, "date__year": year}
        days = (CalendarHoliday.objects.filter(**in_year).count(), CalendarWorkday.objects.filter(**in_year).count())
        counts["entry"] = calendar_year_entry_start(calendar=calendar, year=year, actor=actor, days=days,
                                                    kind=CalendarYearEntry.Kind.GRID, source=_("year grid")).pk
    if changed or counts["official"]:
        calendar_touch(calendar_id=calendar.pk)
        labels = {"holiday": _("day off"), "makeup": _("make-up working day"), "work": _("normal day")}
        days = "; ".join(f"{day.isoformat()} {labels[kind]}" for day, kind in sorted(changed.items()))
        note = _("Year grid %(year)s: %(count)d days changed") % {"year": year, "count": len(changed)}
        if counts["official"]:
            note += "; " + (_("marked official") if official else _("marked provisional"))
        LogEntry.objects.log_actions(user_id=actor.pk, queryset=[calendar], action_flag=CHANGE,
                                     change_message=f"{note}. {days}", single_object=True)
    return counts


def calendar_recomputers() -> list[tuple[str, Callable]]:
    """Return (app label, service) for each app whose deadlines read a business calendar.

    An app names its service in its ``AppConfig.calendar_year_recompute`` (a dotted path, or a mapping of progress
    labels to dotted paths when it keeps several kinds of deadline), so the shared
    layer reaches the apps built on it without importing them.
    """
    found = []
    for config in apps.get_app_configs():
        paths = getattr(config, "calendar_year_recompute", None) or {}
        if isinstance(paths, str):
            paths = {config.label: paths}
        found.extend((label, import_string(path)) for label, path in paths.items())
    return found


def calendar_recompute_each(ids: list[int], recompute_one: Callable[[int], int], progress=None) -> dict[str, int]:
    """Recompute each ticket, return or visit (``recompute_one`` returns how many due times moved); return the counts.

    ``progress(checked=…, shifted=…, total=…)`` is called every hundred and at the end.
    """
    checked = shifted = 0
    for pk in ids:
        shifted += recompute_one(pk)
        checked += 1
        if progress is not None and (checked % 100 == 0 or checked == len(ids)):
            progress(checked=checked, shifted=shifted, total=len(ids))
    return {"checked": checked, "shifted": shifted, "total": len(ids)}


def calendar_year_recompute(*, entry_id: int) -> CalendarYearEntry | None:
    """Recompute every open deadline that reads the entered year, app by app; safe to run twice.

    Each app's service locks and recomputes one ticket, return or visit per transaction and records each
    moved due time on it; the counts are written to the entry as they go (the admin page shows them).
    """
    entry = CalendarYearEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        return None
    if entry.kind == CalendarYearEntry.Kind.GRID:
        reason = _("days off of %(year)s changed on the business calendar") % {"year": entry.year}
    else:
        reason = _("official %(year)s holiday schedule entered") % {"year": entry.year}
    progress = dict(entry.progress)
    for label, recompute in calendar_recomputers():
        def report(*, checked: int, shifted: int, total: int, label=label) -> None:
            progress[label] = {"checked": checked, "shifted": shifted, "total": total}
            CalendarYearEntry.objects.filter(pk=entry.pk).update(progress=progress, updated_at=timezone.now())

        report(**recompute(calendar_id=entry.calendar_id, year=entry.year, reason=reason, progress=report))
    CalendarYearEntry.objects.filter(pk=entry.pk).update(status=CalendarYearEntry.Status.DONE, progress=progress,
                                                         finished_at=timezone.now(), updated_at=timezone.now())
    entry.refresh_from_db()
    return entry


def calendar_year_entry_sweep_stalled(*, now=None) -> int:
    """Send the recomputation again for entries that made no progress for a while (a lost task); return how many."""
    from helpdesk import tasks

    now = now or timezone.now()
    stalled = CalendarYearEntry.objects.filter(status=CalendarYearEntry.Status.RUNNING,
                                               updated_at__lt=now - STALLED_AFTER).values_list("pk", flat=True)
    return enqueue_each(tasks.calendar_year_recompute, "entry_id", list(stalled))


def provisional_year_alert_send(*, today=None) -> int:
    """E-mail the admins once that next year's holiday schedule is still provisional; return how many were written to.

    From 1 October on (``provisional_year_warning``). The alert row is unique per year and the mail is sent
    inside its transaction: a failed send leaves no row and the next run tries again; a sent one is never repeated.
    """
    from django.core.mail import send_mail

    warning = provisional_year_warning(today=today)
    if warning is None:
        return 0
    admins = [user for user in User.objects.filter(is_active=True).exclude(email="").prefetch_related("groups")
              if has_role_at_least(user, Role.ADMIN)]
    with transaction.atomic():
        alert, created = ProvisionalYearAlert.objects.get_or_create(year=warning["year"])
        if not created:
            return 0
        alert.recipients = len(admins)
        alert.save(update_fields=["recipients"])
        if admins:
            year = warning["year"]
            send_mail(
                _("Holiday schedule %(year)s still provisional") % {"year": year},
                _("The official %(year)s holiday schedule has not been entered for: %(calendars)s.\n\n"
                  "Until it is, deadlines in %(year)s run on a provisional schedule: weekends and the statutory "
                  "holidays by rule, with no make-up working days. When the State Council publishes its notice "
                  "(国务院办公厅关于%(year)s年部分节假日安排的通知), paste it on the calendar's page in admin "
                  "(\"Enter a year from the notice\"); the open deadlines are then recomputed.")
                % {"year": year, "calendars": "、".join(warning["calendars"])},
                None, [user.email for user in admins],
            )
    return len(admins)


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """Return the user's API token, replaced by a new one if it expired or predates the last password change."""
    user = User.objects.select_for_update().get(pk=user.pk)
    token = Token.objects.filter(user=user).first()
    if token is not None and token_refusal(token, user):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def login_failure_record(*, username: str, address: str | None) -> LoginFailure:
    """Record a failed sign-in and drop the records too old to count or to be read in admin."""
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - max(login_window(), KEEP_AT_LEAST)).delete()
    return LoginFailure.objects.create(username=login_key(username), address=address or None, at=now)


def login_failures_clear(*, username: str) -> int:
    """Forget an account's failed sign-ins after it signed in; return how many there were."""
    deleted, _rows = LoginFailure.objects.filter(username=login_key(username)).delete()
    return deleted
