"""Sign-in forms that say when and why the sign-in throttle refuses; the calendar admin's holiday-notice and year-grid forms; the global search box."""

import datetime as dt

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from helpdesk.holiday_notice import NoticeError, NoticeSchedule, notice_parse
from helpdesk.login_throttle import login_address, login_lock_get

# The empty choice Django gives a model field's select (admin and model forms alike); Django's own zh-Hans
# catalogue has no words for it yet, so the project's catalogue carries them.
gettext_noop("- Select an option -")


class ThrottleMessageMixin:
    """After a refused sign-in, name the lock and when it lifts instead of "wrong username or password"."""

    def get_invalid_login_error(self):
        lock = login_lock_get(username=self.cleaned_data.get("username") or "", address=login_address(self.request))
        if lock is not None:
            return ValidationError(lock.message, code="throttled")
        return super().get_invalid_login_error()


class LoginForm(ThrottleMessageMixin, AuthenticationForm):
    """The login page's form."""


class AdminLoginForm(ThrottleMessageMixin, AdminAuthenticationForm):
    """Django admin's login form."""


class HolidayNoticeForm(forms.Form):
    """The text of the State Council's holiday notice, pasted by an admin; ``schedule`` once valid."""

    text = forms.CharField(
        label=_("Notice text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text=_("Paste the whole notice (国务院办公厅关于20XX年部分节假日安排的通知), title included."),
    )
    source = forms.CharField(label=_("Source"), max_length=64, required=False,
                             help_text=_("E.g. the document number (国办发明电〔2025〕7号)."))

    schedule: NoticeSchedule | None = None

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            self.schedule = notice_parse(text)
        except NoticeError as error:
            raise ValidationError(str(error), code="unreadable")
        return text


class SearchForm(forms.Form):
    """The global search box: a ticket or order number, a phone, an e-mail, a name or words."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False, strip=True)


class CalendarDaysForm(forms.Form):
    """The year grid's save: the year, its changed days (``2026-10-08=work;2026-10-10=makeup``) and the official flag."""

    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    changes = forms.CharField(label=_("Changed days"), required=False, max_length=20000)
    official = forms.BooleanField(label=_("Official schedule"), required=False)

    def clean_changes(self) -> dict[dt.date, str]:
        days = {}
        for part in filter(None, (piece.strip() for piece in self.cleaned_data["changes"].split(";"))):
            text, _sep, kind = part.partition("=")
            try:
                day = dt.date.fromisoformat(text.strip())
            except ValueError:
                raise ValidationError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text.strip()[:20]},
                                      code="invalid_date")
            days[day] = kind.strip()
        return days
