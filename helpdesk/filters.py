"""The base of every FilterSet, and the filters the apps share: ids, yes/no and assignees.

A filter value is used or refused, never ignored: a value given that does not parse is a field error
naming the parameter (400 in the API, a form error in the HTML lists).
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as rest_filters
from drf_spectacular.utils import extend_schema_field

MAX_ID = 2**63 - 1  # the largest id PostgreSQL's bigint holds: a larger one is refused, not sent to the database
INVALID_MESSAGE = _("Enter a valid value.")
BOOLEAN_MESSAGE = _("Enter true or false.")
ONE_VALUE_MESSAGE = _("Give this parameter once.")
ASSIGNEE_MESSAGE = _("Enter a user id, “me” or “none”.")
ASSIGNEE_PATTERN = r"^(me|none|unassigned|[1-9][0-9]{0,18})$"


class ReadEveryValue:
    """A form mixin that refuses a value given but read as nothing (a yes/no field reads "maybe" as no filter).

    A parameter of one value given several times is refused too: the form would read the last and drop the rest.
    """

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            given = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(given) > 1 and not getattr(field.widget, "allow_multiple_selected", False) and name not in self.errors:
                self.add_error(name, forms.ValidationError(ONE_VALUE_MESSAGE, code="multiple"))
                continue
            raw = self.data.get(name)
            if isinstance(raw, str) and raw.strip() and name not in self.errors and cleaned.get(name) is None:
                message = field.error_messages.get("invalid", INVALID_MESSAGE)
                self.add_error(name, forms.ValidationError(message, code="invalid"))
        return cleaned


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet: a value it cannot read is a field error, never a filter left out."""

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (ReadEveryValue, form_class), {})


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number from 1 to the largest id the database holds."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class BooleanFilter(rest_filters.BooleanFilter):
    """A yes/no filter: ``true`` or ``false`` (``1`` or ``0``); anything else is refused."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": BOOLEAN_MESSAGE})
        super().__init__(*args, **kwargs)


class AssigneeField(forms.CharField):
    """A user id, ``me`` or ``none`` (``unassigned`` too), as the text the filter acts on."""

    default_error_messages = {"invalid": ASSIGNEE_MESSAGE}

    def to_python(self, value):
        value = super().to_python(value).strip().lower()
        if value in self.empty_values:
            return value
        if value == "unassigned":
            return "none"
        if value in ("me", "none") or (value.isdigit() and 0 < int(value) <= MAX_ID):
            return value
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field({"type": "string", "pattern": ASSIGNEE_PATTERN,
                      "description": "A user id, \"me\" or \"none\" (unassigned)."})
class AssigneeFilter(django_filters.CharFilter):
    """Filter by assignee: a user id, the requesting user (``me``) or nobody (``none``)."""

    field_class = AssigneeField

    def filter(self, qs, value):
        if value in self.field_class.empty_values:
            return qs
        if value == "none":
            return qs.filter(**{f"{self.field_name}__isnull": True})
        if value == "me":
            request = getattr(self.parent, "request", None)
            return qs.filter(**{self.field_name: request.user}) if request else qs.none()
        return qs.filter(**{f"{self.field_name}_id": int(value)})
