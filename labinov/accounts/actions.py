"""The only writers of people, roles and API tokens. Each runs in one transaction and
writes one audit event; each checks that the acting user may do it."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts import notify
from labinov.accounts.access import forget_access, get_access
from labinov.accounts.emails import send_invitation
from labinov.accounts.models import (
    REGION_ROLES,
    UNIT_ROLES,
    ApiToken,
    Notification,
    Role,
    RoleAssignment,
    User,
    hash_token,
)
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed

AUDIT_ACTIONS = {
    "person.created": gettext_lazy("Account created"),
    "person.digest_changed": gettext_lazy("Person's daily e-mail changed"),
    "person.updated": gettext_lazy("Profile changed"),
    "person.password_changed": gettext_lazy("Password changed"),
    "role.assigned": gettext_lazy("Role given"),
    "role.revoked": gettext_lazy("Role taken away"),
    "api_token.created": gettext_lazy("API token created"),
    "api_token.revoked": gettext_lazy("API token revoked"),
    "person.locked_out": gettext_lazy("Logins locked after too many failed attempts"),
    "person.site_admin_granted": gettext_lazy("Access to the technical admin site given"),
}


def _head_gives_team_member(access, *, role: str, unit) -> bool:
    """A unit's head may give one role, team member, in their own unit: their
    innovation team. Nothing else."""
    return role == Role.TEAM_MEMBER and unit is not None and access.heads(unit.pk)


def _ensure_may_assign(acting_user, *, role: str, region, unit) -> None:
    """Who may give (and take away) a role: a platform administrator any; the region's
    coordinator those of the region; a unit's head the team member role in their unit."""
    access = get_access(acting_user)
    if access.is_platform_admin:
        return
    if role == Role.PLATFORM_ADMIN:
        raise NotAllowed(_("Only a platform administrator may appoint another one."))
    if region is not None and access.manages_region(region.pk):
        return
    if _head_gives_team_member(access, role=role, unit=unit):
        return
    if any(Role.UNIT_HEAD in held for held in access.unit_roles.values()):
        raise NotAllowed(
            _("A unit's head may give only the team member role, and only in their own unit.")
        )
    raise NotAllowed(_("Only the region's coordinator may give roles in this region."))


def _ensure_may_reach(acting_user, person: User, *, region) -> None:
    """Only a platform administrator gives a role to an existing account from outside the
    region. A coordinator or unit head reaches, by e-mail address, only accounts that
    already hold a role in the region (people they work with): never a platform
    administrator nor a stranger, whose username the answer would reveal. The refusal is
    the same for every such account, so it tells nothing about who holds it."""
    if get_access(acting_user).is_platform_admin:
        return
    theirs = get_access(person)
    if (
        person.is_active
        and not person.is_staff
        and not theirs.is_platform_admin
        and region.pk in theirs.member_region_ids()
    ):
        return
    raise ActionError(
        _(
            "An account with this e-mail address exists, but it holds no role in %(region)s. "
            "Ask a platform administrator to give it the role."
        )
        % {"region": region},
        field="email",
    )


@transaction.atomic
def create_person(
    *,
    acting_user,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    position: str = "",
    password: str | None = None,
    region=None,
    unit=None,
    role: str | None = None,
) -> User:
    """Create an account. A platform administrator may always; a coordinator when the
    person joins their region (``region``); a unit's head when the person joins their
    unit (``unit``) as a team member (``role``)."""
    if unit is not None:
        region = unit.region
    access = get_access(acting_user)
    if not (
        access.is_platform_admin
        or (region is not None and access.manages_region(region.pk))
        or _head_gives_team_member(access, role=role, unit=unit)
    ):
        raise NotAllowed(_("Only a coordinator or a platform administrator may add people."))
    if User.objects.filter(username__iexact=username).exists():
        raise ActionError(_("The username %(u)s is taken.") % {"u": username}, field="username")
    if email and User.objects.filter(email__iexact=email).exists():
        raise ActionError(_("An account with this e-mail address exists."), field="email")
    user = User(
        username=username,
        email=email or None,
        first_name=first_name,
        last_name=last_name,
        position=position,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record_event(
        acting_user=acting_user,
        action="person.created",
        obj=user,
        region=region,
        unit=unit,
        details={"username": username},
    )
    return user


@transaction.atomic
def assign_role(*, acting_user, user: User, role: str, region=None, unit=None) -> RoleAssignment:
    if unit is not None:
        region = unit.region
    if role in UNIT_ROLES and unit is None:
        raise ActionError(_("This role is held in a unit: choose the unit."), field="unit")
    if role in REGION_ROLES and (region is None or unit is not None):
        raise ActionError(_("This role is held over a whole region, not a unit."), field="unit")
    if role == Role.PLATFORM_ADMIN:
        region = unit = None
    _ensure_may_assign(acting_user, role=role, region=region, unit=unit)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, region=region, unit=unit
    )
    if created:
        record_event(
            acting_user=acting_user,
            action="role.assigned",
            obj=user,
            region=region,
            unit=unit,
            details={"role": role},
        )
        with translation.override(settings.LANGUAGE_CODE):
            text = _("You now hold the role %(role)s in %(where)s.") % {
                "role": assignment.get_role_display(),
                "where": unit or region or _("the whole platform"),
            }
        notify.notify(
            [user],
            kind=Notification.Kind.INVITATION,
            text=text,
            url=reverse("core:home"),
            actor=acting_user,
        )
    forget_access(user)
    return assignment


@transaction.atomic
def grant_site_admin(*, acting_user, user: User) -> User:
    """Open Django's technical admin site (/admin/) to a platform administrator: it needs
    ``is_staff`` and, to see every model, ``is_superuser``. Only a platform administrator
    may give it, and only to another platform administrator; nothing is recorded when the
    account has it already."""
    if not get_access(acting_user).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator may open the admin site to someone."))
    if not get_access(user).is_platform_admin:
        raise ActionError(
            _("Give the platform administrator role first: the admin site is theirs only.")
        )
    if user.is_staff and user.is_superuser:
        return user
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    record_event(acting_user=acting_user, action="person.site_admin_granted", obj=user)
    forget_access(user)
    return user


@transaction.atomic
def revoke_role(*, acting_user, assignment: RoleAssignment) -> None:
    _ensure_may_assign(
        acting_user, role=assignment.role, region=assignment.region, unit=assignment.unit
    )
    if assignment.user_id == acting_user.pk and assignment.role in (
        Role.PLATFORM_ADMIN,
        Role.COORDINATOR,
    ):
        raise ActionError(_("You cannot take away your own role; ask another coordinator."))
    record_event(
        acting_user=acting_user,
        action="role.revoked",
        obj=assignment.user,
        region=assignment.region,
        unit=assignment.unit,
        details={"role": assignment.role},
    )
    assignment.delete()
    forget_access(assignment.user)


@transaction.atomic
def invite_person(
    *,
    acting_user,
    email: str,
    first_name: str,
    last_name: str = "",
    position: str = "",
    role: str,
    region,
    unit=None,
    request=None,
) -> User:
    """Give a person a role in the region, creating their account if needed, and e-mail
    them a link to set their password."""
    if unit is not None:
        region = unit.region
    _ensure_may_assign(acting_user, role=role, region=region, unit=unit)
    user = User.objects.filter(email__iexact=email).first()
    new = user is None
    if not new:
        _ensure_may_reach(acting_user, user, region=region)
    if new:
        user = create_person(
            acting_user=acting_user,
            username=email.lower(),
            email=email,
            first_name=first_name,
            last_name=last_name,
            position=position,
            region=region,
            unit=unit,
            role=role,
        )
    assign_role(acting_user=acting_user, user=user, role=role, region=region, unit=unit)
    if new:
        transaction.on_commit(
            lambda: send_invitation(
                user=user, region=region, role_label=Role(role).label, request=request
            )
        )
    return user


PROFILE_FIELDS = ("first_name", "last_name", "email", "position")


@transaction.atomic
def update_profile(*, acting_user, user: User, **changes) -> User:
    """A person changes their own name, e-mail address or position."""
    if acting_user.pk != user.pk and not get_access(acting_user).is_platform_admin:
        raise NotAllowed(_("Only the person themselves may change their profile."))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ActionError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(unknown)})
    email = (changes.get("email") or "").strip()
    if "email" in changes:
        if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ActionError(_("An account with this e-mail address exists."), field="email")
        changes["email"] = email or None
    changed = {f: [getattr(user, f), v] for f, v in changes.items() if getattr(user, f) != v}
    if changed:
        for field, (_old, new) in changed.items():
            setattr(user, field, new)
        user.save(update_fields=list(changed))
        record_event(
            acting_user=acting_user,
            action="person.updated",
            obj=user,
            details={"changed": sorted(changed)},
        )
    return user


@transaction.atomic
def change_password(*, acting_user, user: User, new_password: str, via: str = "change") -> None:
    if acting_user.pk != user.pk and not get_access(acting_user).is_platform_admin:
        raise NotAllowed(_("Only the person themselves may change their password."))
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Whoever knew the old password may have made tokens with it: they end with it.
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    record_event(
        acting_user=acting_user,
        action="person.password_changed",
        obj=user,
        details={"via": via, "tokens_revoked": revoked},
    )


@transaction.atomic
def create_api_token(*, acting_user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for the acting user, valid ``days`` days (``API_TOKEN_DAYS`` unless
    chosen, at most ``API_TOKEN_MAX_DAYS``). Returns the token and its secret, shown once."""
    if not acting_user.is_authenticated:
        raise NotAllowed(_("Log in to create an API token."))
    name = name.strip()
    if not name:
        raise ActionError(
            _("Give the token a name, e.g. the system that will use it."), field="name"
        )
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ActionError(
            _("A token is valid for 1 to %(max)s days.") % {"max": settings.API_TOKEN_MAX_DAYS},
            field="days",
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=acting_user,
        name=name[:100],
        key_prefix=raw[:12],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_event(
        acting_user=acting_user,
        action="api_token.created",
        obj=token,
        details={"name": name, "days": days},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, acting_user, token: ApiToken) -> ApiToken:
    if token.user_id != acting_user.pk and not get_access(acting_user).is_platform_admin:
        raise NotAllowed(_("Only the token's owner may revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(acting_user=acting_user, action="api_token.revoked", obj=token)
    return token
