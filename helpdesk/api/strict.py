"""Serializer fields, and a ModelSerializer built on them, that take a value only in the JSON type the schema gives it.

DRF's text and choice fields read a JSON number as its digits (``"subject": 12`` is the subject ``"12"``), its boolean
field reads 0, 1 and "yes"; these refuse such a value with a field error, so that a request the schema does not
allow answers 400. Output is DRF's own.
"""

from django.db import models
from rest_framework import serializers


class TextOnly:
    """Refuse a value that is not a string with the field's own ``invalid`` error, then read it as the field does."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
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
    """A ModelSerializer whose text and choice fields are the strict ones above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: BooleanField,
        models.CharField: CharField,
        models.TextField: CharField,
        models.CommaSeparatedIntegerField: CharField,
        models.EmailField: EmailField,
        models.SlugField: SlugField,
        models.URLField: URLField,
        models.GenericIPAddressField: IPAddressField,
    }
    serializer_choice_field = ChoiceField
