"""Serializer fields, and a ModelSerializer built on them, that take a value only in the JSON type the schema gives it.

DRF's text and choice fields read a JSON number as its digits (``"subject": 12`` is the subject ``"12"``), its boolean
field reads 0, 1 and "yes"; these refuse such a value with a field error, so that a request the schema does not
allow answers 400. Output is DRF's own.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from helpdesk.filters import ONE_VALUE_MESSAGE


class TextOnly:
    """Refuse a value that is not a string with the field's own ``invalid`` error, then read it as the field does.

    The length limit holds for the string as sent, as the schema's ``maxLength`` says, not for it trimmed.
    """

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        max_length = getattr(self, "max_length", None)
        if max_length is not None and len(data) > max_length:
            self.fail("max_length", max_length=max_length)
        return super().to_internal_value(data)


class CharField(TextOnly, serializers.CharField):
    """A text field that takes a string only ("Not a valid string." otherwise)."""


class EmailField(TextOnly, serializers.EmailField):
    """An e-mail field that takes a string only."""


class RegexField(TextOnly, serializers.RegexField):
    """A pattern-checked text field that takes a string only."""


class SlugField(TextOnly, serializers.SlugField):
    """A slug field that takes a string only."""


class URLField(TextOnly, serializers.URLField):
    """A URL field that takes a string only."""


class IPAddressField(TextOnly, serializers.IPAddressField):
    """An IP address field that takes a string only."""


class DateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time between 1970 and 9999, so it reads back with a whole-minute offset (DRF refuses a non-string)."""

    default_error_messages = {"range": _("Enter a date and time between the years 1970 and 9999.")}
    # Before 1901 Asia/Shanghai had a local mean time offset (+08:05:43), which ISO 8601 cannot write.
    EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)

    def to_internal_value(self, data):
        instant = super().to_internal_value(data)
        try:
            in_range = self.EARLIEST <= instant <= self.LATEST
        except TypeError:  # a naive value, where time zones are off
            in_range = True
        if not in_range:
            self.fail("range")
        return instant


class BooleanField(serializers.BooleanField):
    """A boolean field that takes JSON true or false only, not 0, 1 or "yes" ("Must be a valid boolean." otherwise)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class ChoiceField(serializers.ChoiceField):
    """A choice field whose string choices are taken as strings only (a number is no choice of text)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) and all(isinstance(value, str) for value in self.choice_strings_to_values.values()):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose text, choice, boolean and date-time fields are the strict ones above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: BooleanField,
        models.DateTimeField: DateTimeField,
        models.CharField: CharField,
        models.TextField: CharField,
        models.CommaSeparatedIntegerField: CharField,
        models.EmailField: EmailField,
        models.SlugField: SlugField,
        models.URLField: URLField,
        models.GenericIPAddressField: IPAddressField,
    }
    serializer_choice_field = ChoiceField


class QuerySerializer(serializers.Serializer):
    """A serializer of query parameters: a parameter of one value given several times is a field error, not its last value."""

    def to_internal_value(self, data):
        repeated = {name: [ONE_VALUE_MESSAGE] for name, field in self.fields.items()
                    if hasattr(data, "getlist") and len(data.getlist(name)) > 1
                    and not isinstance(field, (serializers.ListField, serializers.MultipleChoiceField))}
        if repeated:
            raise serializers.ValidationError(repeated)
        return super().to_internal_value(data)
