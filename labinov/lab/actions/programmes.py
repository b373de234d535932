"""Writers of lab programmes and enrolments: the region's coordinator sets them up."""

from django.db import transaction
from django.utils.translation import gettext as _

from labinov.accounts import actions as account_actions
from labinov.accounts.models import Role, RoleAssignment
from labinov.core.actions import record_event
from labinov.core.errors import ActionError
from labinov.lab.actions._common import clean_or_refuse, ensure_manages
from labinov.lab.models import Enrolment, LabProgramme, StagePlan
from labinov.lab.plan import Dates, PlanInvalid, check_plan, describe, unknown_stages
from labinov.lab.stages import STAGE_KEYS, Subject, first_of
from labinov.regions.models import Unit

PROGRAMME_FIELDS = ("title", "year", "status", "is_public", "pact_text")


def _current_plan(programme: LabProgramme) -> dict[str, Dates]:
    return {key: programme.planned(key) for key in STAGE_KEYS if any(programme.planned(key))}


def _checked_plan(year, current: dict[str, Dates], changes: dict[str, Dates]) -> dict:
    """``current`` with ``changes`` applied, refused (``PlanInvalid``) if it breaks a rule
    of ``lab/plan.py`` for a programme of ``year``."""
    unknown = unknown_stages(changes)
    if unknown:
        raise ActionError(
            _("These stages are not declared: %(keys)s.") % {"keys": ", ".join(unknown)},
            field="plan",
        )
    merged = {**current, **changes}
    problems = check_plan(year, merged)
    if problems:
        raise PlanInvalid(problems)
    return {key: dates for key, dates in merged.items() if any(dates)}


def _write_plan(programme: LabProgramme, plan: dict[str, Dates]) -> None:
    """Make the programme's rows say ``plan`` (one row per stage with a date)."""
    programme.plan_rows.exclude(stage__in=list(plan)).delete()
    existing = {row.stage: row for row in programme.plan_rows.all()}
    for key, (start, end) in plan.items():
        row = existing.get(key)
        if row is None:
            StagePlan.objects.create(programme=programme, stage=key, start=start, end=end)
        elif (row.start, row.end) != (start, end):
            row.start, row.end = start, end
            row.save(update_fields=["start", "end"])
    programme.forget_plan()


@transaction.atomic
def create_programme(
    *, acting_user, region, title: str, year: int, plan: dict[str, Dates] | None = None, **fields
) -> LabProgramme:
    """A programme and its plan (stage key -> (start, end), see ``lab/plan.py``)."""
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
    clean_or_refuse(programme)
    checked = _checked_plan(year, {}, plan or {})
    programme.save()
    _write_plan(programme, checked)
    record_event(
        acting_user=acting_user,
        action="lab.programme.created",
        obj=programme,
        region=region,
        details={"title": title, "year": year, "plan": describe(checked)},
    )
    return programme


@transaction.atomic
def update_programme(
    *, acting_user, programme: LabProgramme, plan: dict[str, Dates] | None = None, **changes
) -> LabProgramme:
    """Change a programme. ``plan`` changes the stages it names (start and end both empty
    removes a stage's dates) and keeps the others; the whole plan is checked again when it
    or the year changes."""
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
    clean_or_refuse(programme)
    changed = {
        f: [str(before[f]), str(getattr(programme, f))]
        for f in changes
        if before[f] != getattr(programme, f)
    }
    if plan is not None or "year" in changed:
        current = _current_plan(programme)
        checked = _checked_plan(programme.year, current, plan or {})
        if checked != current:
            _write_plan(programme, checked)
            changed["plan"] = [describe(current), describe(checked)]
    if changed:
        fields = [f for f in changed if f != "plan"]
        if fields:
            programme.save(update_fields=fields)
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


def work_of(enrolment: Enrolment) -> list[str]:
    """What the enrolled unit has done in the programme, by kind (commitment, team, problems,
    gate decisions, comments, innovations...): every table that points at the enrolment,
    found by the model's relations so that a new kind of work counts without changing this."""
    found = []
    for relation in Enrolment._meta.related_objects:
        related = relation.related_model._default_manager.filter(**{relation.field.name: enrolment})
        if related.exists():
            found.append(str(relation.related_model._meta.verbose_name_plural))
    return found


@transaction.atomic
def enrol_unit(*, acting_user, programme: LabProgramme, unit: Unit) -> Enrolment:
    """Enrol one chosen unit of the programme's region."""
    ensure_manages(acting_user, programme)
    if unit.region_id != programme.region_id:
        raise ActionError(
            _("Only units of %(region)s may join this programme.") % {"region": programme.region},
            field="unit",
        )
    if programme.enrolments.filter(unit=unit).exists():
        raise ActionError(
            _("%(unit)s is already enrolled in this programme.") % {"unit": unit}, field="unit"
        )
    enrolment = Enrolment.objects.create(programme=programme, unit=unit)
    record_event(
        acting_user=acting_user,
        action="lab.unit.enrolled",
        obj=enrolment,
        region=programme.region,
        details={"programme": programme.pk, "unit": unit.pk},
    )
    return enrolment


@transaction.atomic
def remove_enrolment(*, acting_user, enrolment: Enrolment) -> None:
    """Take one unit out of the programme, only while it has no work in it yet: its work
    (problems, decisions, innovations...) is the lab's record and is never deleted here."""
    programme = enrolment.programme
    ensure_manages(acting_user, programme)
    work = work_of(enrolment)
    if work or enrolment.stage != first_of(Subject.ENROLMENT).key:
        raise ActionError(
            _(
                "%(unit)s already has work in this programme (%(work)s): "
                "its enrolment cannot be removed."
            )
            % {"unit": enrolment.unit, "work": ", ".join(work) or _("a stage passed")}
        )
    record_event(
        acting_user=acting_user,
        action="lab.unit.unenrolled",
        obj=programme,
        region=programme.region,
        details={"unit": enrolment.unit_id, "unit_name": enrolment.unit.name},
    )
    enrolment.delete()
