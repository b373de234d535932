"""The innovation expo: the coordinator sets it up, the jury scores, the best is chosen."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from labinov.accounts import notify
from labinov.accounts.access import get_access
from labinov.accounts.models import UNIT_ROLES, Notification, RoleAssignment
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.innovations.models import Expo, Innovation, JuryScore
from labinov.innovations.scorecard import DEFAULT_VERSION, scorecard, total
from labinov.innovations.selectors import expo_entries
from labinov.lab.models import LabProgramme
from labinov.lab.stages import exhibited_keys

#: How many missing scores a refusal names before it says how many more.
NAMED_MISSING = 5


def _ensure_manages(acting_user, programme) -> None:
    if not get_access(acting_user).manages_region(programme.region_id):
        raise NotAllowed(
            _("Only the coordinator of %(region)s may run its expo.") % {"region": programme.region}
        )


@transaction.atomic
def create_expo(
    *,
    acting_user,
    programme: LabProgramme,
    title: str,
    held_on: datetime.date | None = None,
    jurors=(),
    scorecard_version: str = DEFAULT_VERSION,
) -> Expo:
    _ensure_manages(acting_user, programme)
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the expo a title."), field="title")
    try:
        scorecard(scorecard_version)
    except KeyError:
        raise ActionError(_("There is no such scorecard."), field="scorecard_version") from None
    competing = (
        RoleAssignment.objects.filter(
            user__in=[u.pk for u in jurors],
            role__in=UNIT_ROLES,
            unit__enrolments__programme=programme,
        )
        .select_related("user", "unit")
        .order_by("user__username")
    )
    if competing:
        raise ActionError(
            _(
                "A juror may not judge their own unit's innovation: %(people)s work in a unit "
                "taking part in this programme. Choose other jurors."
            )
            % {"people": ", ".join(f"{a.user} ({a.unit})" for a in competing)},
            field="jurors",
        )
    expo = Expo.objects.create(
        programme=programme, title=title[:250], held_on=held_on, scorecard_version=scorecard_version
    )
    expo.jurors.set(jurors)
    record_event(
        acting_user=acting_user,
        action="innovations.expo.created",
        obj=expo,
        region=programme.region,
        details={"jurors": [u.pk for u in jurors], "scorecard": scorecard_version},
    )
    with translation.override(settings.LANGUAGE_CODE):
        when = formats.date_format(held_on, "j F Y") if held_on else _("date not set yet")
        text = _("You are on the jury of %(expo)s (%(when)s): score its innovations.") % {
            "expo": expo.title,
            "when": when,
        }
    notify.notify(
        jurors, kind=Notification.Kind.JURY, text=text, url=expo.get_absolute_url(), actor=None
    )
    return expo


def _ensure_entry(expo: Expo, innovation: Innovation) -> None:
    if innovation.enrolment.programme_id != expo.programme_id:
        raise ActionError(_("The innovation is not part of this programme."), field="innovation")
    if innovation.stage not in exhibited_keys():
        raise ActionError(
            _("Only innovations that reached display take part in the expo."), field="innovation"
        )


@transaction.atomic
def score_innovation(*, acting_user, expo: Expo, innovation: Innovation, scores: dict) -> JuryScore:
    if not expo.jurors.filter(pk=getattr(acting_user, "pk", None)).exists():
        raise NotAllowed(_("Only the expo's jury may score."))
    _ensure_entry(expo, innovation)
    unit = innovation.enrolment.unit
    if get_access(acting_user).is_on_team(unit.pk):
        raise NotAllowed(
            _("You work in %(unit)s: you may not score its innovation.") % {"unit": unit}
        )
    card = scorecard(expo.scorecard_version)
    low, high = card["scale"]["min"], card["scale"]["max"]
    clean = {}
    for criterion in card["criteria"]:
        key = criterion["key"]
        try:
            value = int(scores.get(key))
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            raise ActionError(
                _("Score %(c)s with a whole number from %(low)d to %(high)d.")
                % {"c": criterion["label"], "low": low, "high": high},
                field=key,
            )
        clean[key] = value
    row, _created = JuryScore.objects.update_or_create(
        expo=expo,
        innovation=innovation,
        juror=acting_user,
        defaults={"scores": clean, "total": total(card, clean)},
    )
    record_event(
        acting_user=acting_user,
        action="innovations.expo.scored",
        obj=row,
        unit=innovation.enrolment.unit,
        details={"expo": expo.pk, "innovation": innovation.pk, "scores": clean},
    )
    return row


def best_refusal(expo: Expo, *, today: datetime.date | None = None) -> str | None:
    """Why the best innovation cannot be chosen yet, or None: the expo must have been
    held, and every juror must have scored every innovation taking part."""
    today = today or timezone.localdate()
    if expo.held_on and today < expo.held_on:
        return _("The expo is held on %(date)s: choose the best innovation after it.") % {
            "date": formats.date_format(expo.held_on, "j F Y")
        }
    jurors = list(expo.jurors.order_by("username"))
    if not jurors:
        return _("The expo has no jury yet.")
    entries = list(expo_entries(expo).order_by("name"))
    scored = set(JuryScore.objects.filter(expo=expo).values_list("juror_id", "innovation_id"))
    missing = [
        f"{juror.get_full_name() or juror.get_username()}: {innovation.name}"
        for juror in jurors
        for innovation in entries
        if (juror.pk, innovation.pk) not in scored
    ]
    if not missing:
        return None
    named = "; ".join(missing[:NAMED_MISSING])
    if len(missing) > NAMED_MISSING:
        named += " " + _("and %(n)d more") % {"n": len(missing) - NAMED_MISSING}
    return _("Not every juror has scored every innovation yet. Still missing: %(missing)s.") % {
        "missing": named
    }


@transaction.atomic
def choose_best(*, acting_user, expo: Expo, innovation: Innovation) -> Expo:
    _ensure_manages(acting_user, expo.programme)
    _ensure_entry(expo, innovation)
    refusal = best_refusal(expo)
    if refusal:
        raise ActionError(refusal, field="innovation")
    expo.best = innovation
    expo.save(update_fields=["best"])
    record_event(
        acting_user=acting_user,
        action="innovations.expo.best_chosen",
        obj=expo,
        region=expo.programme.region,
        details={"innovation": innovation.pk},
    )
    return expo
