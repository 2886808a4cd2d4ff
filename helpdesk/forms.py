"""Sign-in forms that say when and why the sign-in throttle refuses (the login page and Django admin)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from helpdesk.login_throttle import login_address, login_lock_get


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
