"""The authentication backend: Django's model backend, with a user's permissions read in one query."""

from django.contrib.auth.backends import ModelBackend


class PermissionsInOneQueryBackend(ModelBackend):
    """Django's ModelBackend whose permission set (own and through groups) is one query per user object."""

    def get_all_permissions(self, user_obj, obj=None):
        """Return the user's permission names (``User.permission_names``); none for inactive users or objects."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return user_obj.permission_names
