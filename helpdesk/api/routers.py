"""The API's router: DRF's, with object ids that are numbers unless a viewset says otherwise."""

from rest_framework.routers import SimpleRouter


class Router(SimpleRouter):
    """A ``SimpleRouter`` whose lookups match digits only by default, so ``/tickets/%0D6/`` is a 404, never ticket 6.

    A viewset that looks objects up by something else sets ``lookup_value_regex``, as DRF documents.
    """

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        lookup_value = getattr(viewset, "lookup_value_regex", r"\d+")
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"
