from enum import StrEnum

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from labinov.core.api_support import Pagination, require_login
from labinov.regions import actions
from labinov.regions.models import Region, Unit
from labinov.regions.selectors import regions_visible_to, units_visible_to

router = Router(tags=["regions"])

# The models' choices are both named ``Kind``; the OpenAPI description names a schema
# after its enum class, so each gets its own name there (else one would stand for both).
RegionKind = StrEnum("RegionKind", {kind.name: kind.value for kind in Region.Kind})
UnitKind = StrEnum("UnitKind", {kind.name: kind.value for kind in Unit.Kind})


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    province: str
    unit_count: int


class RegionIn(Schema):
    code: str
    name: str
    kind: RegionKind
    province: str = ""


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    head_name: str
    head_position: str
    is_demo: bool

    @staticmethod
    def resolve_region(obj):
        return obj.region.code


class UnitIn(Schema):
    name: str
    kind: UnitKind
    head_name: str = ""
    head_position: str = ""


class UnitPatch(Schema):
    name: str | None = None
    kind: UnitKind | None = None
    head_name: str | None = None
    head_position: str | None = None


@router.get("/regions", response=list[RegionOut], auth=None, summary="Regions")
@paginate(Pagination)
def list_regions(request, province: str | None = None):
    qs = regions_visible_to(request.user)
    if province:
        qs = qs.filter(province__iexact=province)
    return qs


@router.get("/regions/{code}", response=RegionOut, auth=None, summary="One region")
def get_region(request, code: str):
    return get_object_or_404(regions_visible_to(request.user), code=code)


@router.post("/regions", response={201: RegionOut}, summary="Add a region")
def create_region(request, payload: RegionIn):
    """Platform administrators only."""
    region = actions.create_region(acting_user=require_login(request), **payload.dict())
    region.unit_count = 0
    return Status(201, region)


@router.get("/units", response=list[UnitOut], summary="Units of the regions")
@paginate(Pagination)
def list_units(request, region: str | None = None, kind: UnitKind | None = None):
    qs = units_visible_to(request.auth)
    if region:
        qs = qs.filter(region__code=region)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
def get_unit(request, unit_id: int):
    return get_object_or_404(units_visible_to(request.auth), pk=unit_id)


@router.post("/regions/{code}/units", response={201: UnitOut}, summary="Add a unit")
def create_unit(request, code: str, payload: UnitIn):
    user = require_login(request)
    region = get_object_or_404(regions_visible_to(user), code=code)
    unit = actions.create_unit(acting_user=user, region=region, **payload.dict())
    return Status(201, unit)


@router.patch("/units/{unit_id}", response=UnitOut, summary="Change a unit")
def update_unit(request, unit_id: int, payload: UnitPatch):
    user = require_login(request)
    unit = get_object_or_404(units_visible_to(user), pk=unit_id)
    return actions.update_unit(acting_user=user, unit=unit, **payload.dict(exclude_unset=True))
