"""Who may read the API schema and its docs page."""

from django.conf import settings
from rest_framework.permissions import BasePermission


class SchemaAccess(BasePermission):
    """Anyone while DEBUG is on; signed-in users (session or token) once it is off."""

    def has_permission(self, request, view):
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)
