"""The action plan and its delivery: milestones, evidence, service measures, risks, photos."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from labinov.accounts import notify
from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.core.links import is_http_url
from labinov.core.uploads import check_upload
from labinov.innovations.actions._common import (
    actor,
    clean_or_refuse,
    ensure_stage_allows,
    ensure_works_on,
)
from labinov.innovations.measures import KINDS
from labinov.innovations.models import (
    Evidence,
    Innovation,
    Milestone,
    Photo,
    Risk,
    ServiceMeasure,
)
from labinov.lab.models import Comment
from labinov.lab.stages import Work

#: ServiceMeasure keeps 14 digits with one decimal.
MEASURE_LIMIT = Decimal("1e13")


def _event(acting_user, action, obj, innovation, **details):
    record_event(
        acting_user=acting_user,
        action=action,
        obj=obj,
        unit=innovation.enrolment.unit,
        details={"innovation": innovation.pk, **details},
    )


@transaction.atomic
def add_milestone(
    *,
    acting_user,
    innovation: Innovation,
    title: str,
    owner: str,
    start: datetime.date,
    end: datetime.date,
    deliverable: str,
    budget: int | None = None,
    stakeholders: str = "",
) -> Milestone:
    ensure_works_on(acting_user, innovation)
    ensure_stage_allows(innovation, Work.ACTION_PLAN)
    for name, value, message in (
        ("title", title, _("Name the step.")),
        ("owner", owner, _("Name the person in charge.")),
        ("deliverable", deliverable, _("Say what the step delivers.")),
    ):
        if not str(value or "").strip():
            raise ActionError(message, field=name)
    if not start or not end:
        raise ActionError(_("Give the start and end dates."), field="start" if not start else "end")
    if end < start:
        raise ActionError(_("The step cannot end before it starts."), field="end")
    milestone = Milestone(
        innovation=innovation,
        title=title.strip(),
        owner=owner.strip(),
        start=start,
        end=end,
        deliverable=deliverable.strip(),
        budget=budget,
        stakeholders=(stakeholders or "").strip(),
    )
    clean_or_refuse(milestone)
    milestone.save()
    _event(acting_user, "innovations.milestone.added", milestone, innovation, title=milestone.title)
    return milestone


@transaction.atomic
def record_progress(
    *,
    acting_user,
    milestone: Milestone,
    progress: int,
    note: str = "",
    file=None,
    link: str = "",
) -> Evidence:
    """Progress of a step, backed by evidence: a file or photo, a link, or at least a note."""
    innovation = milestone.innovation
    ensure_works_on(acting_user, innovation)
    ensure_stage_allows(innovation, Work.DELIVERY)
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        raise ActionError(_("Progress is a whole number from 0 to 100."), field="progress")
    note = (note or "").strip()
    if link and not is_http_url(link):
        raise ActionError(_("A link starts with http:// or https://."), field="link")
    if not (file or link or note):
        raise ActionError(_("Add a file, a photo, a link or a note as evidence."), field="file")
    evidence = Evidence(
        milestone=milestone,
        note=note[:300],
        link=link or "",
        progress=progress,
        added_by=actor(acting_user),
    )
    if file:
        evidence.file = file
    clean_or_refuse(evidence, exclude=["file"])
    evidence.save()
    milestone.progress = progress
    milestone.save(update_fields=["progress"])
    _event(
        acting_user,
        "innovations.progress.recorded",
        evidence,
        innovation,
        milestone=milestone.pk,
        progress=progress,
    )
    return evidence


def _decimal(value, field, *, required):
    if value in (None, ""):
        if required:
            raise ActionError(_("Give a number."), field=field)
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ActionError(_("Give a number."), field=field) from None
    if number < 0 or not number.is_finite():
        raise ActionError(_("Give a number of zero or more."), field=field)
    return number


@transaction.atomic
def set_service_measure(
    *, acting_user, innovation: Innovation, measure: str, target, actual=None, baseline=None
) -> ServiceMeasure:
    """Set a service target (and later what was achieved).

    The baseline is the one recorded for the idea's problem in diagnose; it is only typed in
    where diagnose did not measure it (people served, for example).
    """
    ensure_works_on(acting_user, innovation)
    ensure_stage_allows(innovation, Work.SERVICE_MEASURES)
    if measure not in ServiceMeasure.Measure.values:
        raise ActionError(_("Choose a measure from the list."), field="measure")
    target = _decimal(target, "target", required=True)
    actual = _decimal(actual, "actual", required=False)
    baseline = _decimal(baseline, "baseline", required=False)
    problem = innovation.idea.problem if innovation.idea_id else None
    source = ServiceMeasure.BASELINE_FIELD.get(measure)
    diagnosed = getattr(problem, source) if problem is not None and source else None
    if diagnosed is not None:
        baseline = Decimal(str(diagnosed))
    if measure == "satisfaction":
        for name, value in (("baseline", baseline), ("target", target), ("actual", actual)):
            if value is not None and value > 100:
                raise ActionError(_("Satisfaction is from 0 to 100."), field=name)
    if KINDS[measure].unit in ("count", "people"):
        for name, value in (("baseline", baseline), ("target", target), ("actual", actual)):
            if value is not None and value != value.to_integral_value():
                raise ActionError(
                    _("%(measure)s is a whole number.") % {"measure": KINDS[measure].label},
                    field=name,
                )
    for name, value in (("baseline", baseline), ("target", target), ("actual", actual)):
        if value is not None and value >= MEASURE_LIMIT:
            raise ActionError(_("The number is too large."), field=name)
        if value is not None and value != value.quantize(Decimal("0.1")):
            raise ActionError(_("Give at most one decimal, e.g. 2,5."), field=name)
    row, _created = ServiceMeasure.objects.update_or_create(
        innovation=innovation,
        measure=measure,
        defaults={"target": target, "actual": actual, "baseline": baseline},
    )
    _event(
        acting_user,
        "innovations.measure.set",
        row,
        innovation,
        measure=measure,
        baseline=str(baseline) if baseline is not None else None,
        target=str(target),
        actual=str(actual) if actual is not None else None,
    )
    return row


@transaction.atomic
def set_service_volume(
    *, acting_user, innovation: Innovation, transactions_per_year=None, hours_per_visit=None
) -> Innovation:
    """How often citizens use the service and how long one visit takes them: the yearly
    savings multiply the per-transaction saving by them (innovations/measures.py)."""
    ensure_works_on(acting_user, innovation)
    ensure_stage_allows(innovation, Work.SERVICE_MEASURES)
    transactions = _decimal(transactions_per_year, "transactions_per_year", required=False)
    if transactions is not None and (
        transactions != transactions.to_integral_value() or transactions > 2_000_000_000
    ):
        raise ActionError(
            _("Transactions per year is a whole number up to 2.000.000.000."),
            field="transactions_per_year",
        )
    hours = _decimal(hours_per_visit, "hours_per_visit", required=False)
    if hours is not None and hours > 168:
        raise ActionError(_("Hours a visit is at most 168 (a week)."), field="hours_per_visit")
    innovation.transactions_per_year = int(transactions) if transactions is not None else None
    innovation.hours_per_visit = hours.quantize(Decimal("0.1")) if hours is not None else None
    innovation.save(update_fields=["transactions_per_year", "hours_per_visit"])
    _event(
        acting_user,
        "innovations.volume.set",
        innovation,
        innovation,
        transactions_per_year=innovation.transactions_per_year,
        hours_per_visit=str(hours) if hours is not None else None,
    )
    return innovation


@transaction.atomic
def add_risk(
    *, acting_user, innovation: Innovation, description: str, mitigation: str = ""
) -> Risk:
    ensure_works_on(acting_user, innovation)
    ensure_stage_allows(innovation, Work.DELIVERY)
    description = (description or "").strip()
    if not description:
        raise ActionError(_("Describe the risk or issue."), field="description")
    risk = Risk.objects.create(
        innovation=innovation, description=description[:300], mitigation=(mitigation or "")[:300]
    )
    _event(acting_user, "innovations.risk.added", risk, innovation)
    return risk


@transaction.atomic
def resolve_risk(*, acting_user, risk: Risk) -> Risk:
    ensure_works_on(acting_user, risk.innovation)
    ensure_stage_allows(risk.innovation, Work.DELIVERY)
    risk.status = Risk.Status.RESOLVED
    risk.save(update_fields=["status"])
    _event(acting_user, "innovations.risk.resolved", risk, risk.innovation)
    return risk


@transaction.atomic
def add_photo(*, acting_user, innovation: Innovation, image, caption: str = "") -> Photo:
    ensure_works_on(acting_user, innovation)
    ensure_stage_allows(innovation, Work.DISPLAY)
    if not image:
        raise ActionError(_("Choose a photo (JPEG, PNG or WebP)."), field="image")
    try:
        check_upload(image, "image")
    except ValidationError as exc:
        raise ActionError(exc.messages[0], field="image") from exc
    photo = Photo.objects.create(innovation=innovation, image=image, caption=(caption or "")[:250])
    _event(acting_user, "innovations.photo.added", photo, innovation)
    return photo


@transaction.atomic
def add_monitoring_comment(*, acting_user, innovation: Innovation, text: str) -> Comment:
    """A monitoring comment on the innovation by a coach, the coordinator or the unit."""
    access = get_access(acting_user)
    unit = innovation.enrolment.unit
    if not getattr(acting_user, "pk", None) or not access.reads_unit(unit):
        raise NotAllowed(_("You may not comment on this innovation."))
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write the comment."), field="text")
    comment = Comment.objects.create(
        enrolment=innovation.enrolment,
        target_type=ContentType.objects.get_for_model(innovation),
        target_id=innovation.pk,
        author=acting_user,
        text=text,
    )
    _event(acting_user, "innovations.comment.added", comment, innovation)
    notify.comment_added(
        comment, unit=unit, what=innovation.name, url=innovation.get_absolute_url() + "#comments"
    )
    return comment
