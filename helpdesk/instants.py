"""Instants given by users in filters (any ISO 8601 offset in, UTC out, or a clear error), and written in event notes."""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class InstantField(IsoDateTimeField):
    """An ISO 8601 date-time turned into UTC, so the database never sees an offset or year it cannot store."""

    default_error_messages = {"range": _("Enter a date and time between the years 1 and 9999.")}

    def to_python(self, value):
        try:
            instant = super().to_python(value)
            if instant is None:
                return None
            instant = instant.astimezone(dt.UTC)
            # The database adapters shift by the server's zone too; keep a day of headroom at both ends.
            if not dt.datetime(1, 1, 2, tzinfo=dt.UTC) <= instant <= dt.datetime(9999, 12, 30, tzinfo=dt.UTC):
                raise OverflowError
            return instant
        except OverflowError:
            raise forms.ValidationError(self.error_messages["range"], code="range") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter that compares in UTC."""

    field_class = InstantField


def instant_text(instant: dt.datetime | None) -> str:
    """Return an instant as local time to the minute for an event note ("2027-01-04 17:00"), or "—" for none."""
    return timezone.localtime(instant).strftime("%Y-%m-%d %H:%M") if instant else "—"
