"""The API's list pagination: DRF's cursor pagination, answering a malformed cursor, page size or ordering with 400."""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class CursorPagination(pagination.CursorPagination):
    """DRF's cursor pagination that refuses a cursor it did not write, a page size out of range or an unknown order.

    Every list takes ``cursor``, ``page_size`` (1 to ``max_page_size``) and ``ordering``: the name of its
    default order (its first field, as ``-created_at``) or of one of ``orderings``.
    A cursor carries the position of the last row seen, compared with the first ordering field: a
    forged position (text where the field holds a time, a number out of range) is checked against that
    field before it reaches the query.
    """

    page_size_query_param = "page_size"
    max_page_size = 100
    ordering_query_param = "ordering"
    orderings: dict[str, tuple[str, ...]] = {}  # other orders a list offers, by the name a client asks for
    invalid_cursor_message = _("Invalid cursor: use the next or previous link of a page as it is.")
    page_size_message = _("Enter a whole number from 1 to %(max)d.")
    ordering_message = _("Order by one of: %(choices)s.")

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        self.query_check(request)
        return super().paginate_queryset(queryset, request, view)

    def query_check(self, request) -> None:
        """Refuse a malformed page size or an unknown ordering with 400 (also for an answer that is not paged)."""
        errors = {}
        page_size = request.query_params.get(self.page_size_query_param, "")
        if page_size and not (page_size.isascii() and page_size.isdigit() and 1 <= int(page_size) <= self.max_page_size):
            errors[self.page_size_query_param] = [self.page_size_message % {"max": self.max_page_size}]
        ordering = request.query_params.get(self.ordering_query_param, "")
        if ordering and ordering not in self.ordering_names():
            errors[self.ordering_query_param] = [self.ordering_message % {"choices": ", ".join(self.ordering_names())}]
        if errors:
            raise ValidationError(errors)

    def get_page_size(self, request):
        page_size = request.query_params.get(self.page_size_query_param, "")
        return int(page_size) if page_size else self.page_size

    def get_ordering(self, request, queryset, view):
        name = request.query_params.get(self.ordering_query_param)
        return self.orderings.get(name) or self.default_ordering()

    def default_ordering(self) -> tuple[str, ...]:
        """Return the list's own order (the class's ``ordering``) as a tuple."""
        ordering = type(self).ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def ordering_names(self) -> list[str]:
        """Return the values ``ordering`` takes: the default order's first field, then the other orders' names."""
        return [self.default_ordering()[0], *self.orderings]

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "The cursor of a page: use the next or previous link as it is.", "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Number of results per page, 1 to {self.max_page_size}; empty for the default.",
             "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": self.max_page_size},
                                  {"type": "string", "enum": [""]}], "default": self.page_size}},
            {"name": self.ordering_query_param, "required": False, "in": "query",
             "description": "The order of the list (the first is the default).",
             "schema": {"type": "string", "enum": self.ordering_names(), "default": self.ordering_names()[0]}},
        ]

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if cursor is not None and cursor.position is not None and not self._position_valid(cursor.position):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return cursor

    def _position_valid(self, position: str) -> bool:
        try:
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:
            return True  # ordered by an annotation: nothing to check it against
        try:
            field.run_validators(field.to_python(position))
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            return False
        return True
