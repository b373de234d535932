"""Reads of regions and units. The list of regions and their units is public (it is
on every Pemda's website); what is inside a unit's lab work is not."""

from django.db.models import Count, Q, QuerySet

from labinov.accounts.access import get_access
from labinov.core.models import AuditEvent
from labinov.regions.models import Region, Unit


def regions_visible_to(user) -> QuerySet[Region]:
    return Region.objects.annotate(unit_count=Count("units"))


def units_visible_to(user, *, region: Region | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region")
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Coordinators and leaders read their region's trail; unit heads and team members
    their unit's; a platform administrator all of it."""
    qs = AuditEvent.objects.select_related("region", "unit")
    access = get_access(user)
    if access.is_platform_admin:
        return qs
    if not access.is_authenticated:
        return qs.none()
    audit_regions = {rid for rid in access.member_region_ids() if access.reads_audit_of_region(rid)}
    return qs.filter(Q(region_id__in=audit_regions) | Q(unit_id__in=access.unit_ids()))


def kind_counts(region: Region) -> dict[str, int]:
    return dict(
        Unit.objects.filter(region=region).values_list("kind").annotate(n=Count("id")).order_by()
    )
