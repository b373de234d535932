"""What a person may do, from the roles they hold. Computed once per request and user.

Every selector and action asks this object; no view or endpoint looks at roles itself.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from labinov.accounts.models import UNIT_ROLES, Role, RoleAssignment
from labinov.core.system import SystemActor

#: Region roles that may read all of a region's non-public data.
REGION_READERS = frozenset({Role.COORDINATOR, Role.LEADER, Role.COACH, Role.ASSESSOR})
#: Region roles that manage the region: its units, people and programmes.
REGION_MANAGERS = frozenset({Role.COORDINATOR})
#: Region roles that may read its audit trail.
AUDIT_READERS = frozenset({Role.COORDINATOR, Role.LEADER})
#: Region roles that read the region's innovation-index assessment (answers, evidence,
#: what is missing); the coordinator also fills it in.
INDEX_READERS = frozenset({Role.COORDINATOR, Role.LEADER})
INDEX_EDITORS = frozenset({Role.COORDINATOR})


@dataclass(frozen=True)
class Access:
    is_authenticated: bool = False
    is_platform_admin: bool = False
    region_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    unit_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    unit_region: dict[int, int] = field(default_factory=dict)

    def has_region_role(self, region_id: int, roles) -> bool:
        return bool(self.region_roles.get(region_id, frozenset()) & set(roles))

    def has_unit_role(self, unit_id: int, roles) -> bool:
        return bool(self.unit_roles.get(unit_id, frozenset()) & set(roles))

    def region_ids(self, roles=REGION_READERS) -> set[int]:
        """Regions in which the person holds one of these region roles."""
        return {rid for rid, held in self.region_roles.items() if held & set(roles)}

    def unit_ids(self) -> set[int]:
        return set(self.unit_roles)

    def member_region_ids(self) -> set[int]:
        """Regions in which the person holds any role, over the region or in one unit."""
        return set(self.region_roles) | set(self.unit_region.values())

    # -- named rules: each rule of who may do what is said once, here ------------------

    def is_on_team(self, unit_id: int) -> bool:
        """Head or team member of the unit: the people who do its lab work."""
        return self.has_unit_role(unit_id, UNIT_ROLES)

    def heads(self, unit_id: int) -> bool:
        """The unit's head."""
        return self.has_unit_role(unit_id, {Role.UNIT_HEAD})

    def team_unit_ids(self) -> set[int]:
        """``is_on_team`` as a query: the units whose head or team member the person is."""
        return {uid for uid, held in self.unit_roles.items() if held & UNIT_ROLES}

    def works_on_innovations_of(self, unit) -> bool:
        """Who works on a unit's innovations, and starts them: its head and team, the
        region's coordinator, a platform administrator."""
        return (
            self.is_platform_admin
            or self.is_on_team(unit.pk)
            or self.manages_region(unit.region_id)
        )

    def reads_region(self, region_id: int) -> bool:
        return self.is_platform_admin or self.has_region_role(region_id, REGION_READERS)

    def reads_unit(self, unit) -> bool:
        return self.reads_region(unit.region_id) or unit.pk in self.unit_roles

    def manages_region(self, region_id: int) -> bool:
        return self.is_platform_admin or self.has_region_role(region_id, REGION_MANAGERS)

    def moderates_proposals_of(self, region_id: int) -> bool:
        """Who reads the citizens' proposals to a region (with the proposer's name and
        contact), decides them and passes them to a unit as ideas: the region's
        coordinator, a platform administrator."""
        return self.manages_region(region_id)

    def moderated_region_ids(self) -> set[int] | None:
        """``moderates_proposals_of`` as a query: None means every region."""
        return None if self.is_platform_admin else self.region_ids(REGION_MANAGERS)

    def reads_audit_of_region(self, region_id: int) -> bool:
        return self.is_platform_admin or self.has_region_role(region_id, AUDIT_READERS)

    def reads_index_of_region(self, region_id: int) -> bool:
        return self.is_platform_admin or self.has_region_role(region_id, INDEX_READERS)

    def edits_index_of_region(self, region_id: int) -> bool:
        return self.is_platform_admin or self.has_region_role(region_id, INDEX_EDITORS)


ANONYMOUS = Access()
SYSTEM = Access(is_authenticated=True, is_platform_admin=True)


def get_access(user) -> Access:
    """The Access of a user, cached on the user object for the rest of the request."""
    if isinstance(user, SystemActor):
        return SYSTEM
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_labinov_access", None)
    if cached is not None:
        return cached
    region_roles: dict[int, set[str]] = defaultdict(set)
    unit_roles: dict[int, set[str]] = defaultdict(set)
    unit_region: dict[int, int] = {}
    is_admin = user.is_superuser
    for role, region_id, unit_id in RoleAssignment.objects.filter(user=user).values_list(
        "role", "region_id", "unit_id"
    ):
        if role == Role.PLATFORM_ADMIN:
            is_admin = True
        elif unit_id is not None:
            unit_roles[unit_id].add(role)
            unit_region[unit_id] = region_id
        else:
            region_roles[region_id].add(role)
    access = Access(
        is_authenticated=True,
        is_platform_admin=is_admin,
        region_roles={k: frozenset(v) for k, v in region_roles.items()},
        unit_roles={k: frozenset(v) for k, v in unit_roles.items()},
        unit_region=unit_region,
    )
    user._labinov_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached Access after the user's roles changed."""
    if hasattr(user, "_labinov_access"):
        del user._labinov_access
