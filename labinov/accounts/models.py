import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account. The public needs none."""

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    daily_digest = models.BooleanField(
        _("daily e-mail of my notifications"),
        default=True,
        help_text=_("Once a day, an e-mail listing the notifications you have not read yet."),
    )
    #: When the last daily digest was sent (the next one lists what came after it).
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    COORDINATOR = "coordinator", _("Region coordinator")
    LEADER = "leader", _("Leader (Bupati / Sekda)")
    COACH = "coach", _("Coach")
    ASSESSOR = "assessor", _("Independent assessor")
    UNIT_HEAD = "unit_head", _("Unit head")
    TEAM_MEMBER = "team_member", _("Team member")


#: Roles held over a whole region, and roles held in one unit.
REGION_ROLES = frozenset({Role.COORDINATOR, Role.LEADER, Role.COACH, Role.ASSESSOR})
UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.TEAM_MEMBER})


class RoleAssignment(models.Model):
    """A role that a person holds: over the platform, a region, or one unit of a region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    unit = models.ForeignKey(
        "regions.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["region", "unit", "role"]
        constraints = [
            # One constraint per scope: SQLite cannot treat NULLs as equal in one.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(region__isnull=True),
                name="role_unique_on_platform",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False, unit__isnull=True),
                name="role_unique_in_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="role_unique_in_unit",
            ),
            models.CheckConstraint(
                name="role_assignment_scope",
                condition=(
                    Q(role="platform_admin", region__isnull=True, unit__isnull=True)
                    | Q(
                        role__in=["coordinator", "leader", "coach", "assessor"],
                        region__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(
                        role__in=["unit_head", "team_member"],
                        region__isnull=False,
                        unit__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self):
        where = self.unit or self.region or _("platform")
        return f"{self.user} — {self.get_role_display()} — {where}"

    def clean(self):
        if self.unit_id and self.region_id and self.unit.region_id != self.region_id:
            raise ValidationError(_("The unit does not belong to this region."))


TOKEN_PREFIX = "lbv_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Throttle(models.Model):
    """Failed attempts counted per account or per client address (``scope`` and a hash
    of the key), kept in the database so that every web process and machine sees the
    same count. See ``accounts/throttle.py``."""

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="throttle_unique")]

    def __str__(self):
        return f"{self.scope} {self.key[:8]}… {self.count}"


class Notification(models.Model):
    """Something that happened to a person's work or duties, shown on their notifications
    page and in the daily e-mail digest. Written by the action that makes the event
    (``accounts/notify.py``), never by a signal."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        GATE = "gate", _("Gate decision")
        INVITATION = "invitation", _("Role or invitation")
        JURY = "jury", _("Jury duty")
        OVERDUE = "overdue", _("Overdue")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    #: Names an event that must be notified once only (an overdue milestone), else "".
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_key_once",
            )
        ]

    def __str__(self):
        return self.text
