import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext, gettext_lazy as _

from helpdesk.business_time import weekly_problems
from helpdesk.calendars import calendar_year_days, calendar_year_review, calendar_years_missing
from helpdesk.models import (
    BusinessCalendar,
    CalendarClosure,
    CalendarHoliday,
    CalendarYear,
    CalendarYearEntry,
    ProvisionalYearAlert,
    LoginFailure,
    Team,
    User,
    WorkingInterval,
)
from helpdesk.forms import AdminLoginForm, CalendarDaysForm, HolidayNoticeForm
from helpdesk.roles import Role
from helpdesk.services import calendar_days_save, calendar_touch, calendar_year_enter, user_sync_staff

def as_written(field: str, description) -> object:
    """Return a changelist column showing a code, shortcut or user name as written, marked ``translate="no"``.

    Browsers' page translation then leaves it alone, and so does the check that the UI reads in the user's language.
    """

    @admin.display(description=description, ordering=field)
    def column(obj):
        return format_html('<span translate="no">{}</span>', getattr(obj, field))

    column.__name__ = field
    return column


admin.site.site_header = _("Helpdesk administration")
admin.site.login_form = AdminLoginForm
admin.site.site_title = _("Helpdesk admin")
admin.site.index_title = _("Policies, users and teams")


class ReadOnlyAdminMixin:
    """Show the rows, never add, change or delete them here: audit records, event rows, work done by the product.

    Mix into a ``ModelAdmin`` or an inline before the admin class.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TeamMembershipInline(admin.TabularInline):
    model = Team.members.through
    extra = 0
    verbose_name = _("team membership")
    verbose_name_plural = _("team memberships")
    autocomplete_fields = ["team"]


class RoleListFilter(admin.SimpleListFilter):
    """Filter users by role, named in the UI's language (a role is a group named by its stored key)."""

    title = _("roles")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [as_written("username", _("username")), "display_name", "email", "role_names", "is_active", "is_staff"]
    list_filter = [RoleListFilter, "teams", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Helpdesk"), {"fields": ["display_name"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Helpdesk"), {"fields": ["display_name", "groups"]}),)
    inlines = [TeamMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            labels = dict(Role.choices)
            field.label_from_instance = lambda group: str(labels.get(group.name, group.name))
        return field

    @admin.display(description=_("roles"))
    def role_names(self, user):
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(group.name, group.name)) for group in user.groups.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_staff(user=form.instance)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "supervisor", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["supervisor"]
    filter_horizontal = ["members"]


class WorkingIntervalFormSet(forms.BaseInlineFormSet):
    """Reject a week without working time and overlapping intervals."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weekly: dict[int, tuple] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("weekday") is None:
                continue
            weekly[data["weekday"]] = weekly.get(data["weekday"], ()) + ((data["start_time"], data["end_time"]),)
        problems = weekly_problems(weekly)
        if problems:
            raise ValidationError([_("Working hours: %(problem)s.") % {"problem": p} for p in problems])


class WorkingIntervalInline(admin.TabularInline):
    model = WorkingInterval
    formset = WorkingIntervalFormSet
    extra = 0


class CalendarClosureInline(admin.TabularInline):
    model = CalendarClosure
    extra = 0


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    extra = 0
    classes = ["collapse"]  # two decades of rows: folded until opened


@admin.register(CalendarHoliday)
class CalendarHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "calendar"]
    list_filter = ["calendar"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_touch(calendar_id=obj.calendar_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_touch(calendar_id=obj.calendar_id)

    def delete_queryset(self, request, queryset):
        calendar_ids = set(queryset.values_list("calendar_id", flat=True))
        super().delete_queryset(request, queryset)
        for calendar_id in calendar_ids:
            calendar_touch(calendar_id=calendar_id)


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "timezone", "uses_holidays", "missing_years"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    # Holidays and make-up days are edited a year at a time on the year grid (``year_view``), not as inline rows.
    inlines = [WorkingIntervalInline, CalendarYearInline, CalendarClosureInline]

    @admin.display(description=_("years without holiday data"))
    def missing_years(self, calendar):
        missing = calendar_years_missing(calendar)
        if not missing:
            return "—"
        return format_html('<strong class="errornote">⚠ {}</strong>', ", ".join(map(str, missing)))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            missing = calendar_years_missing(obj)
            if missing:
                messages.warning(request, _("No official holiday data for %(years)s: deadlines in those years run on a "
                                           "provisional schedule (weekends and statutory holidays, no make-up days).")
                                 % {"years": ", ".join(map(str, missing))})
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        calendar_touch(calendar_id=form.instance.pk)

    def get_urls(self):
        return [
            path("<int:calendar_id>/enter-year/", self.admin_site.admin_view(self.enter_year_view),
                 name="helpdesk_businesscalendar_enter_year"),
            path("<int:calendar_id>/year/", self.admin_site.admin_view(self.year_view),
                 name="helpdesk_businesscalendar_year"),
            *super().get_urls(),
        ]

    def year_view(self, request, calendar_id: int):
        """Show a year as a grid of days to mark as day off or make-up working day; save only the changed days."""
        calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
        if not self.has_view_permission(request, calendar):
            raise PermissionDenied
        editable = self.has_change_permission(request, calendar)
        form = CalendarDaysForm(request.POST or None)
        errors, status = [], 200
        year = timezone.localdate().year
        if request.method == "POST":
            if not editable:
                raise PermissionDenied
            if form.is_valid():
                year = form.cleaned_data["year"]
                try:
                    counts = calendar_days_save(calendar=calendar, year=year, changes=form.cleaned_data["changes"],
                                                official=form.cleaned_data["official"], actor=request.user)
                except ValidationError as error:
                    errors, status = error.messages, 400
                else:
                    saved = gettext("%(year)s saved: %(holiday)d days off, %(makeup)d make-up working days and "
                                    "%(work)d normal days changed.") % {"year": year, **counts}
                    if counts["entry"]:
                        progress = reverse("admin:helpdesk_calendaryearentry_change", args=[counts["entry"]])
                        saved = format_html('{} <a href="{}">{}</a>', saved, progress,
                                            gettext("The open deadlines of the year are being recomputed: progress"))
                    messages.success(request, saved)
                    return redirect(f"{reverse('admin:helpdesk_businesscalendar_year', args=[calendar.pk])}?year={year}")
            else:
                errors, status = [e for field_errors in form.errors.values() for e in field_errors], 400
                year = form.cleaned_data.get("year") or year
        elif "year" in request.GET:
            year_field = CalendarDaysForm.base_fields["year"]
            try:
                year = year_field.clean(request.GET["year"])
            except ValidationError as error:
                errors, status = [gettext("Year: %(error)s") % {"error": " ".join(error.messages)}], 400
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": calendar,
                   "calendar": calendar, "grid": calendar_year_days(calendar, year), "editable": editable,
                   "errors": errors, "title": gettext("Holidays and make-up days of %(year)s") % {"year": year},
                   "weekday_labels": gettext("Mo Tu We Th Fr Sa Su").split()}
        return TemplateResponse(request, "admin/helpdesk/businesscalendar/year_grid.html", context, status=status)

    def enter_year_view(self, request, calendar_id: int):
        """Paste the State Council notice → review the year as a grid → confirm to save and recompute."""
        calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        form = HolidayNoticeForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": calendar,
                   "calendar": calendar, "form": form, "title": gettext("Enter a year from the notice")}
        if request.method != "POST":
            return TemplateResponse(request, "admin/helpdesk/businesscalendar/enter_year.html", context)
        if not form.is_valid():
            return TemplateResponse(request, "admin/helpdesk/businesscalendar/enter_year.html", context, status=400)
        schedule = form.schedule
        if "confirm" not in request.POST:
            months = calendar_year_review(calendar, schedule)
            monday = dt.date(2024, 1, 1)
            context.update(schedule=schedule, months=months,
                           weekday_labels=[date_format(monday + dt.timedelta(days=n), "D") for n in range(7)],
                           changed=sum(day["changed"] for month in months for week in month["weeks"] for day in week if day))
            return TemplateResponse(request, "admin/helpdesk/businesscalendar/enter_year.html", context)
        entry = calendar_year_enter(calendar=calendar, schedule=schedule, actor=request.user,
                                    source=form.cleaned_data["source"])
        messages.success(request, gettext("The official %(year)s schedule is saved: %(holidays)d days off, "
                                          "%(workdays)d make-up working days. Open deadlines are being recomputed.")
                         % {"year": schedule.year, "holidays": entry.holiday_count, "workdays": entry.workday_count})
        return redirect(reverse("admin:helpdesk_calendaryearentry_change", args=[entry.pk]))



@admin.register(CalendarYearEntry)
class CalendarYearEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Entered holiday schedules and the recomputation of the deadlines they moved, read only (refreshes while running)."""

    list_display = ["calendar", "year", "kind", "source", "entered_by", "entered_at", "status", "progress_summary"]
    list_filter = ["calendar", "kind", "status"]
    fields = ["calendar", "year", "kind", "source", "holiday_count", "workday_count", "entered_by", "entered_at", "status",
              "progress_summary", "finished_at"]
    readonly_fields = fields
    change_form_template = "admin/helpdesk/calendaryearentry/change_form.html"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("helpdesk.view_businesscalendar")

    @admin.display(description=_("progress"))
    def progress_summary(self, entry):
        parts = [gettext("%(app)s: %(checked)d of %(total)d checked, %(shifted)d moved") % {"app": app, **counts}
                 for app, counts in sorted(entry.progress.items())]
        return "; ".join(parts) or "—"


@admin.register(ProvisionalYearAlert)
class ProvisionalYearAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "sent_at", "recipients"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins, read only; deleting an account's rows unlocks it before its cool-down ends."""

    list_display = ["at", "username", "address"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
