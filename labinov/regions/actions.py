"""The only writers of regions and units."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.regions.models import Region, Unit

AUDIT_ACTIONS = {
    "region.created": gettext_lazy("Region added"),
    "unit.created": gettext_lazy("Unit added"),
    "unit.updated": gettext_lazy("Unit changed"),
}

UNIT_FIELDS = ("name", "kind", "head_name", "head_position", "is_demo", "source")


@transaction.atomic
def create_region(*, acting_user, code: str, name: str, kind: str, province: str = "") -> Region:
    if not get_access(acting_user).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator may add a region."))
    if Region.objects.filter(code=code).exists():
        raise ActionError(_("A region with code %(code)s exists.") % {"code": code}, field="code")
    region = Region(code=code, name=name, kind=kind, province=province)
    region.full_clean()
    region.save()
    record_event(acting_user=acting_user, action="region.created", obj=region, region=region)
    return region


def _ensure_manages(acting_user, region: Region) -> None:
    if not get_access(acting_user).manages_region(region.pk):
        raise NotAllowed(
            _("Only the coordinator of %(region)s may change its units.") % {"region": region}
        )


@transaction.atomic
def create_unit(*, acting_user, region: Region, name: str, kind: str, **fields) -> Unit:
    _ensure_manages(acting_user, region)
    if Unit.objects.filter(region=region, name__iexact=name).exists():
        raise ActionError(
            _("%(region)s already has a unit of this name.") % {"region": region}, field="name"
        )
    unit = Unit(region=region, name=name, kind=kind, **fields)
    unit.full_clean()
    unit.save()
    record_event(acting_user=acting_user, action="unit.created", obj=unit, unit=unit)
    return unit


@transaction.atomic
def update_unit(*, acting_user, unit: Unit, **changes) -> Unit:
    _ensure_manages(acting_user, unit.region)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ActionError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(unknown)})
    if "name" in changes and (
        Unit.objects.filter(region=unit.region, name__iexact=changes["name"])
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ActionError(
            _("%(region)s already has a unit of this name.") % {"region": unit.region},
            field="name",
        )
    before = {f: getattr(unit, f) for f in changes}
    for name, value in changes.items():
        field = Unit._meta.get_field(name)
        if value is None and field.blank and not field.null:
            value = ""  # an optional text sent as null (e.g. JSON null from the API): cleared
        setattr(unit, name, value)
    unit.full_clean()
    changed = {f: [before[f], getattr(unit, f)] for f in changes if before[f] != getattr(unit, f)}
    if changed:
        unit.save(update_fields=list(changed))
        record_event(
            acting_user=acting_user,
            action="unit.updated",
            obj=unit,
            unit=unit,
            details={"changed": changed},
        )
    return unit
