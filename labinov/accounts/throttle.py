"""Throttling of password guessing and password-reset mail.

Counts live in the database (``Throttle`` rows, one per scope and hashed key), so that
every gunicorn process and every machine serving one database sees the same count; the
cache of a default install is per process and would let each worker count alone.

- Logins: ``LOGIN_FAILURES_PER_ACCOUNT`` failures of one account (or of one unknown name,
  so that the answer does not tell which accounts exist), or ``LOGIN_FAILURES_PER_ADDRESS``
  failures from one client address across accounts, within ``LOGIN_LOCKOUT_MINUTES`` lock
  further logins for that many minutes, the right password included. The authentication
  backend enforces it, so every login form (the login page, the admin's) is covered.
- Password resets: ``PASSWORD_RESETS_PER_EMAIL`` requests for one address and
  ``PASSWORD_RESETS_PER_ADDRESS`` from one client address per hour.
- Citizens' proposals (portal/, filed with no account): ``PROPOSALS_PER_ADDRESS`` from one
  client address per hour.
"""

import hashlib
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from labinov.accounts.models import Throttle, User
from labinov.core.actions import record_event

LOGIN_ACCOUNT = "login-account"
LOGIN_ADDRESS = "login-address"
RESET_EMAIL = "reset-email"
RESET_ADDRESS = "reset-address"
PROPOSAL_ADDRESS = "proposal-address"
PROPOSAL_WINDOW = timedelta(hours=1)
RESET_WINDOW = timedelta(hours=1)
STALE_AFTER = timedelta(days=1)


def client_address(request) -> str:
    """The caller's address: the connection's, or, when ``TRUSTED_PROXY_COUNT`` proxies
    stand in front, the one the outermost trusted proxy appended to X-Forwarded-For
    (entries further left were written by the client and prove nothing)."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _account_of(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    field = "email__iexact" if "@" in identifier else "username__iexact"
    return User.objects.filter(**{field: identifier}).first()


def _account_key(identifier: str, account: User | None) -> str:
    if account is not None:
        return _digest(f"user:{account.pk}")
    return _digest(f"name:{(identifier or '').strip().lower()}")


def _locked_until(keys: list[tuple[str, str]]) -> datetime | None:
    now = timezone.now()
    latest = None
    for scope, key in keys:
        row = Throttle.objects.filter(scope=scope, key=key, locked_until__gt=now).first()
        if row is not None and (latest is None or row.locked_until > latest):
            latest = row.locked_until
    return latest


def _count(scope: str, key: str, *, limit: int, window: timedelta) -> datetime | None:
    """Count one attempt; lock the key for ``window`` when this is the ``limit``-th within
    the window. Returns the end of the lock it set, or None. Runs in the caller's
    transaction; the row is locked while counted (on SQLite the write transaction is)."""
    now = timezone.now()
    row, _new = Throttle.objects.select_for_update().get_or_create(scope=scope, key=key)
    if row.window_started_at is None or row.window_started_at <= now - window:
        row.count, row.window_started_at = 0, now
    row.count += 1
    locked = None
    if row.count >= limit:
        locked = row.locked_until = now + window
        row.count, row.window_started_at = 0, None
        _forget_stale(now)
    row.save()
    return locked


def _forget_stale(now: datetime) -> None:
    """Rows whose window and lock ended a day ago count nothing: drop them, so that a
    spray of made-up names does not grow the table for ever. Done when a lock is set,
    which such a spray soon causes (per address)."""
    cutoff = now - STALE_AFTER
    Throttle.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=cutoff),
        Q(window_started_at__isnull=True) | Q(window_started_at__lt=cutoff),
    ).delete()


def _login_keys(request, identifier: str) -> list[tuple[str, str]]:
    account = _account_of(identifier)
    return [
        (LOGIN_ACCOUNT, _account_key(identifier, account)),
        (LOGIN_ADDRESS, _digest(client_address(request))),
    ]


def login_locked_until(request, identifier: str) -> datetime | None:
    """When logins with this name (or from this address) may be tried again, or None."""
    return _locked_until(_login_keys(request, identifier))


@transaction.atomic
def login_failed(request, identifier: str) -> datetime | None:
    """Count a failed login; returns the end of a lockout it started. A lockout is
    written to the audit trail."""
    account = _account_of(identifier)
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    address = client_address(request)
    locked = None
    for scope, key, limit in (
        (LOGIN_ACCOUNT, _account_key(identifier, account), settings.LOGIN_FAILURES_PER_ACCOUNT),
        (LOGIN_ADDRESS, _digest(address), settings.LOGIN_FAILURES_PER_ADDRESS),
    ):
        until = _count(scope, key, limit=limit, window=window)
        if until is None:
            continue
        locked = until
        details = {"scope": "account" if scope == LOGIN_ACCOUNT else "address"}
        details |= {"address": address, "until": until.isoformat()}
        record_event(
            acting_user=None,
            action="person.locked_out",
            obj=account if scope == LOGIN_ACCOUNT else None,
            details=details,
        )
    return locked


@transaction.atomic
def login_succeeded(request, identifier: str) -> None:
    """A right password clears the account's count (not the address's: one's own account
    must not reset the count of guesses at others)."""
    key = _account_key(identifier, _account_of(identifier))
    Throttle.objects.filter(scope=LOGIN_ACCOUNT, key=key).update(count=0, window_started_at=None)


@transaction.atomic
def password_reset_refused_until(request, email: str) -> datetime | None:
    """Count a reset request; when it is one too many for this e-mail address or client
    address, the time the next one is accepted. Every address counts alike, whether an
    account has it or not, so the answer tells nothing about accounts."""
    keys = [
        (RESET_EMAIL, _digest((email or "").strip().lower()), settings.PASSWORD_RESETS_PER_EMAIL),
        (RESET_ADDRESS, _digest(client_address(request)), settings.PASSWORD_RESETS_PER_ADDRESS),
    ]
    until = _locked_until([(scope, key) for scope, key, _limit in keys])
    if until is not None:
        return until
    for scope, key, limit in keys:
        # The (limit + 1)-th request within the hour is the first refused.
        until = _count(scope, key, limit=limit + 1, window=RESET_WINDOW) or until
    return until


@transaction.atomic
def proposal_refused_until(request) -> datetime | None:
    """Count a citizen's proposal from this client address; when it is one too many within
    the hour, the time the next one is accepted (nothing is counted while refused)."""
    key = _digest(client_address(request))
    until = _locked_until([(PROPOSAL_ADDRESS, key)])
    if until is not None:
        return until
    # The (limit + 1)-th proposal within the hour is the first refused.
    return _count(
        PROPOSAL_ADDRESS, key, limit=settings.PROPOSALS_PER_ADDRESS + 1, window=PROPOSAL_WINDOW
    )


def proposal_wait_message(until: datetime) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return _(
        "Too many proposals from your connection. Try again after %(time)s "
        "(in %(minutes)s minutes); proposals already sent are kept."
    ) % {"time": formats.time_format(timezone.localtime(until), "H:i"), "minutes": minutes}


def wait_message(until: datetime, *, reset: bool = False) -> str:
    """A sentence saying when to try again, in the installation's time zone."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    values = {
        "time": formats.time_format(timezone.localtime(until), "H:i"),
        "minutes": minutes,
    }
    if reset:
        return (
            _(
                "Too many password-reset requests. Try again after %(time)s "
                "(in %(minutes)s minutes); a link already sent stays valid."
            )
            % values
        )
    return (
        _(
            "Too many failed logins. For your safety, logging in is paused until %(time)s "
            "(in %(minutes)s minutes), even with the right password. Forgot your password? "
            "Use “Forgot your password?” below."
        )
        % values
    )


def retry_after_seconds(until: datetime) -> int:
    return max(1, math.ceil((until - timezone.now()).total_seconds()))
