"""Models every app shares: users, teams, number sequences and business calendars."""

from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A person who works in the helpdesk: agent, supervisor, manager or admin."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    LABEL_FIELDS = ("username", "display_name", "first_name", "last_name")  # what str(user) reads

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def get_short_name(self):
        return self.display_name or super().get_short_name() or self.username

    def set_password(self, raw_password):
        """Set the password and when it changed; API tokens issued before then are refused (helpdesk/tokens.py)."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @cached_property
    def _access_parts(self) -> dict:
        """Return the parts of the user's access read so far by this user object."""
        return {}

    def _access(self, part: str, read):
        """Return one part of the user's access (groups, permissions, teams), cached across requests (``helpdesk.access``)."""
        from helpdesk.access import access_of

        return access_of(self, part, read, self._access_parts)

    @property
    def group_names(self) -> frozenset[str]:
        """Return the names of the user's groups (their roles)."""
        return self._access("groups", type(self)._group_names_read)

    @property
    def permission_names(self) -> frozenset[str]:
        """Return the user's permissions as "app_label.codename", own and through groups."""
        return self._access("permissions", type(self)._permission_names_read)

    def _group_names_read(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def _permission_names_read(self) -> frozenset[str]:
        from django.contrib.auth.models import Permission

        fields = ("content_type__app_label", "codename")
        if self.is_superuser:
            rows = Permission.objects.values_list(*fields).order_by()
        else:
            own = Permission.objects.filter(user=self).values_list(*fields).order_by()
            rows = own.union(Permission.objects.filter(group__user=self).values_list(*fields).order_by()).order_by()
        return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)

    @property
    def teams_led_or_joined(self) -> list["Team"]:
        """Return the teams the user belongs to or leads, by name, each marked ``is_member``."""
        return self._access("teams", type(self)._teams_read)

    def _teams_read(self) -> list["Team"]:
        member = Team.members.through.objects.filter(team_id=models.OuterRef("pk"), user_id=self.pk)
        return list(Team.objects.annotate(is_member=models.Exists(member))
                    .filter(models.Q(is_member=True) | models.Q(supervisor=self)))

    @cached_property
    def team_ids(self) -> list[int]:
        """Return the ids of the teams the user belongs to or leads, read once per user object."""
        return sorted(team.pk for team in self.teams_led_or_joined)

    @cached_property
    def member_teams(self) -> list["Team"]:
        """Return the teams the user is a member of, by name (the shell's badges), read with ``team_ids``."""
        return [team for team in self.teams_led_or_joined if team.is_member]


class LoginFailure(models.Model):
    """One failed sign-in: which account name was tried, from which address, when (the sign-in throttle counts these)."""

    username = models.CharField(_("username"), max_length=150)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sign-in failure")
        verbose_name_plural = _("sign-in failures")
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_username_at_idx"),
            models.Index(fields=["address", "at"], name="loginfailure_address_at_idx"),
            models.Index(fields=["at"], name="loginfailure_at_idx"),
        ]

    def __str__(self):
        return f"{self.username} @ {self.address or '?'}"


class Team(models.Model):
    """A group of agents that shares a queue, led by a supervisor (e.g. 售前, 售后)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="teams"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Sequence(models.Model):
    """A named counter that hands out human-readable numbers (ticket, return, complaint)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    value = models.PositiveBigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.name}={self.value}"


def validate_timezone(value: str) -> None:
    """Reject a name that is not an IANA time zone."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone."))


class BusinessCalendar(models.Model):
    """A working calendar (工作日历): weekly hours, holidays, make-up working days (调休) and closures."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=64)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone])
    uses_holidays = models.BooleanField(
        _("apply holidays and make-up days"),
        default=True,
        help_text=_("Off: every week looks the same and no holiday data is needed."),
    )
    makeup_weekday = models.PositiveSmallIntegerField(
        _("make-up days work the hours of"),
        default=0,
        help_text=_("A make-up working day is worked with this weekday's intervals (Monday by default)."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self):
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingInterval(models.Model):
    """One working interval of a weekday; an end of 00:00 means midnight, an earlier end runs past it."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(pgettext_lazy("time range", "from"))
    end_time = models.TimeField(_("until"), help_text=_("00:00 means midnight (24:00)."))

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("working interval")
        verbose_name_plural = _("working intervals")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class CalendarDate(models.Model):
    """A named date of a calendar (abstract: holidays and make-up working days)."""

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        abstract = True
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class CalendarHoliday(CalendarDate):
    """A date without working time (法定节假日)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")

    class Meta(CalendarDate.Meta):
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendarholiday_unique_date")]


class CalendarWorkday(CalendarDate):
    """A Saturday or Sunday that is a working day (调休上班), worked with normal weekday hours."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="workdays")

    class Meta(CalendarDate.Meta):
        verbose_name = _("make-up working day")
        verbose_name_plural = _("make-up working days")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendarworkday_unique_date")]

    def clean(self):
        if self.date and self.date.weekday() < 5:
            raise ValidationError({"date": _("A make-up working day must be a Saturday or a Sunday.")})
        if self.date and self.calendar_id and CalendarHoliday.objects.filter(calendar_id=self.calendar_id, date=self.date).exists():
            raise ValidationError({"date": _("This date is a holiday of the calendar.")})


class CalendarClosure(models.Model):
    """A one-off closed period (e.g. a company event or a typhoon day)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(pgettext_lazy("time range", "from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=128, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M} {self.reason}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The closure must end after it starts.")})


class CalendarYear(models.Model):
    """A year whose holidays and make-up days are known for a calendar (published by the State Council)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=64, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("year with holiday data")
        verbose_name_plural = _("years with holiday data")
        constraints = [models.UniqueConstraint(fields=["calendar", "year"], name="calendaryear_unique_year")]

    def __str__(self):
        return str(self.year)


class CalendarYearEntry(models.Model):
    """An official holiday schedule entered for a calendar's year, and the recomputation of the open deadlines it moved."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Recomputing deadlines")
        DONE = "done", _("Done")

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Official schedule entered")
        GRID = "grid", _("Days changed on the year grid")

    calendar = models.ForeignKey(BusinessCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE,
                                 related_name="year_entries")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NOTICE)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=128, blank=True)
    holiday_count = models.PositiveSmallIntegerField(_("holidays"), default=0)
    workday_count = models.PositiveSmallIntegerField(_("make-up working days"), default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    # {"sla": {"checked": 12, "shifted": 3}, "orders": {...}, ...}: written as each app's deadlines are recomputed.
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("entered holiday schedule")
        verbose_name_plural = _("entered holiday schedules")

    def __str__(self):
        return f"{self.calendar} {self.year}"


class ProvisionalYearAlert(models.Model):
    """The e-mail telling the admins that next year's holiday schedule is still provisional: sent once a year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("provisional-year alert")
        verbose_name_plural = _("provisional-year alerts")

    def __str__(self):
        return str(self.year)
