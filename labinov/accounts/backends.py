from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from labinov.accounts import throttle


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or the e-mail address. Logins through a request (the login
    page, the admin's) are throttled: while the account or the client address is locked
    after too many failures, no password is even checked (accounts/throttle.py)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        typed = username
        if request is not None and typed and throttle.login_locked_until(request, typed):
            raise PermissionDenied  # authenticate() stops here and answers no user
        if username and "@" in username:
            user = get_user_model().objects.filter(email__iexact=username).first()
            if user:
                username = user.get_username()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if request is not None and typed and password is not None:
            if user is None:
                throttle.login_failed(request, typed)
            else:
                throttle.login_succeeded(request, typed)
        return user
