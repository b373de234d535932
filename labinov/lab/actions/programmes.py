"""Writers of lab programmes and enrolments: the region's coordinator sets them up."""

from django.db import transaction
from django.utils.translation import gettext as _

from labinov.accounts import actions as account_actions
from labinov.accounts.models import Role, RoleAssignment
from labinov.core.actions import record_event
from labinov.core.errors import ActionError
from labinov.lab.actions._common import clean_or_refuse, ensure_manages
from labinov.lab.models import Enrolment, LabProgramme
from labinov.lab.stages import STAGE_KEYS
from labinov.regions.models import Unit

DATE_FIELDS = tuple(f"{k}_{end}" for k in STAGE_KEYS for end in ("start", "end"))
PROGRAMME_FIELDS = ("title", "year", "status", "is_public", "pact_text", *DATE_FIELDS)


def _check_dates(programme: LabProgramme) -> None:
    for key in STAGE_KEYS:
        start, end = programme.planned(key)
        if start and end and end < start:
            raise ActionError(
                _("A stage cannot end before it starts: check the dates."), field=f"{key}_end"
            )


@transaction.atomic
def create_programme(*, acting_user, region, title: str, year: int, **fields) -> LabProgramme:
    ensure_manages(acting_user, region)
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ActionError(
            _("These fields cannot be set: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the programme a title."), field="title")
    if LabProgramme.objects.filter(region=region, title__iexact=title).exists():
        raise ActionError(
            _("%(region)s already has a programme of this title.") % {"region": region},
            field="title",
        )
    if fields.get("pact_text") in ("", None):
        fields.pop("pact_text", None)
    programme = LabProgramme(region=region, title=title, year=year, **fields)
    _check_dates(programme)
    clean_or_refuse(programme)
    programme.save()
    record_event(
        acting_user=acting_user,
        action="lab.programme.created",
        obj=programme,
        region=region,
        details={"title": title, "year": year},
    )
    return programme


@transaction.atomic
def update_programme(*, acting_user, programme: LabProgramme, **changes) -> LabProgramme:
    ensure_manages(acting_user, programme)
    unknown = set(changes) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ActionError(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if "title" in changes and (
        LabProgramme.objects.filter(region=programme.region, title__iexact=changes["title"])
        .exclude(pk=programme.pk)
        .exists()
    ):
        raise ActionError(
            _("%(region)s already has a programme of this title.") % {"region": programme.region},
            field="title",
        )
    before = {f: getattr(programme, f) for f in changes}
    for name, value in changes.items():
        setattr(programme, name, value)
    _check_dates(programme)
    clean_or_refuse(programme)
    changed = {
        f: [str(before[f]), str(getattr(programme, f))]
        for f in changes
        if before[f] != getattr(programme, f)
    }
    if changed:
        programme.save(update_fields=list(changed))
        record_event(
            acting_user=acting_user,
            action="lab.programme.updated",
            obj=programme,
            region=programme.region,
            details={"changed": changed},
        )
    return programme


@transaction.atomic
def set_coaches(*, acting_user, programme: LabProgramme, coaches) -> LabProgramme:
    """The programme's coaches: people who hold the coach role in its region."""
    ensure_manages(acting_user, programme)
    coaches = list(coaches)
    allowed = set(
        RoleAssignment.objects.filter(
            role=Role.COACH, region=programme.region, unit__isnull=True
        ).values_list("user_id", flat=True)
    )
    strangers = [c for c in coaches if c.pk not in allowed]
    if strangers:
        raise ActionError(
            _("%(names)s hold no coach role in %(region)s: give them the role first.")
            % {"names": ", ".join(str(c) for c in strangers), "region": programme.region},
            field="coaches",
        )
    programme.coaches.set(coaches)
    record_event(
        acting_user=acting_user,
        action="lab.programme.coaches_set",
        obj=programme,
        region=programme.region,
        details={"coaches": [c.get_username() for c in coaches]},
    )
    return programme


@transaction.atomic
def enrol_units(
    *, acting_user, programme: LabProgramme, units=None, kind: str | None = None, all_units=False
) -> list[Enrolment]:
    """Enrol units in bulk: the given units, all of a kind, or all units of the region.
    Units already enrolled are left as they are. Returns the new enrolments."""
    ensure_manages(acting_user, programme)
    if all_units:
        chosen = Unit.objects.filter(region=programme.region)
    elif kind:
        if kind not in Unit.Kind.values:
            raise ActionError(_("Choose a kind of unit from the list."), field="kind")
        chosen = Unit.objects.filter(region=programme.region, kind=kind)
    elif units:
        chosen = list(units)
        if any(u.region_id != programme.region_id for u in chosen):
            raise ActionError(
                _("Only units of %(region)s may join this programme.")
                % {"region": programme.region},
                field="units",
            )
    else:
        raise ActionError(_("Choose the units to enrol: all, a kind, or some units."))
    already = set(programme.enrolments.values_list("unit_id", flat=True))
    new = [Enrolment(programme=programme, unit=u) for u in chosen if u.pk not in already]
    if not new:
        return []
    created = Enrolment.objects.bulk_create(new)
    record_event(
        acting_user=acting_user,
        action="lab.units.enrolled",
        obj=programme,
        region=programme.region,
        details={"count": len(created), "kind": kind or ("all" if all_units else "chosen")},
    )
    return created


@transaction.atomic
def invite_unit_head(
    *,
    acting_user,
    enrolment: Enrolment,
    email: str,
    first_name: str,
    last_name: str = "",
    position: str = "",
    request=None,
):
    """Invite the head of an enrolled unit (the account, role and e-mail come from accounts)."""
    ensure_manages(acting_user, enrolment.programme)
    return account_actions.invite_person(
        acting_user=acting_user,
        email=email,
        first_name=first_name,
        last_name=last_name,
        position=position,
        role=Role.UNIT_HEAD,
        region=enrolment.programme.region,
        unit=enrolment.unit,
        request=request,
    )
