"""The authentication backend: Django's model backend behind the sign-in throttle, a user's permissions read in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction

from helpdesk.login_throttle import LoginLock, login_address, login_attempts_serialize, login_lock_get
from helpdesk.services import login_failure_record, login_failures_clear


class LoginLocked(PermissionDenied):
    """Sign-ins are refused for now: ``authenticate()`` stops at once and checks no other backend."""

    def __init__(self, lock: LoginLock):
        super().__init__(lock.message)
        self.lock = lock


class PermissionsInOneQueryBackend(ModelBackend):
    """Django's ModelBackend: passwords checked only while the sign-in throttle allows; permissions in one query."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Return the user for a right password; refuse while the account or address is locked; count failures."""
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = login_address(request)
        with transaction.atomic():
            login_attempts_serialize(username=username)
            lock = login_lock_get(username=username, address=address)
            if lock is not None:
                raise LoginLocked(lock)
            user = super().authenticate(request, username=username, password=password, **kwargs)
            if user is None:
                login_failure_record(username=username, address=address)
            else:
                login_failures_clear(username=username)
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """Return the user's permission names (``User.permission_names``); none for inactive users or objects."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return user_obj.permission_names
