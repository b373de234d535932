"""Reads of people, roles and tokens: what each user may see."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from labinov.accounts.access import get_access
from labinov.accounts.models import ApiToken, Notification, RoleAssignment, User, hash_token


def role_assignments_visible_to(user) -> QuerySet[RoleAssignment]:
    """Roles a user may see: all of the regions they read, and those of their own units."""
    qs = RoleAssignment.objects.select_related("user", "region", "unit")
    access = get_access(user)
    if access.is_platform_admin:
        return qs
    if not access.is_authenticated:
        return qs.none()
    return qs.filter(
        Q(region_id__in=access.region_ids()) | Q(unit_id__in=access.unit_ids()) | Q(user_id=user.pk)
    )


def roles_of(user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("region", "unit")


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def user_for_token(raw: str) -> User | None:
    """The active user of a valid, unrevoked, unexpired token, or None. Marks the token
    as used."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=hash_token(raw),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # A bookkeeping timestamp, not a change of state: no audit event.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_has_expired(raw: str) -> bool:
    """Whether this is an unrevoked token past its expiry (to say so to its caller)."""
    return ApiToken.objects.filter(
        key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__lte=timezone.now()
    ).exists()


def notifications_of(user) -> QuerySet[Notification]:
    """A person's own notifications, the newest first; nobody reads another's."""
    if not getattr(user, "pk", None):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(request) -> int:
    """How many notifications the person has not read, counted once per request."""
    cached = getattr(request, "_labinov_unread", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = (
            notifications_of(user).filter(read_at__isnull=True).count()
            if user is not None and user.is_authenticated
            else 0
        )
        request._labinov_unread = cached
    return cached
