"""Reads of the index: rubric versions, assessments, and a region's score.

The headline of a region's index (index, category, aspects) is public, as Kemendagri
publishes every region's IID each year; the answers, evidence, innovations and what is
missing are read by the region's coordinator and leader (``Access.reads_index_of_region``).
"""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.index import engine
from labinov.index.models import Answer, Assessment, Rubric
from labinov.index.rubric import Model, compile_rubric
from labinov.innovations.models import Innovation
from labinov.regions.models import Region

_compiled: dict[tuple[str, str], Model] = {}


class UnknownIndex(Http404):
    """An unknown region, year or rubric version; the message says which."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def model_of(rubric: Rubric) -> Model:
    key = (rubric.version, rubric.sha256)
    if key not in _compiled:
        _compiled[key] = compile_rubric(rubric.data)
    return _compiled[key]


def rubric_by_version(version: str) -> Rubric:
    rubric = Rubric.objects.filter(version=version).first()
    if rubric is None:
        known = ", ".join(Rubric.objects.values_list("version", flat=True)) or "-"
        raise UnknownIndex(
            _("There is no rubric version %(v)s (known: %(known)s).")
            % {"v": version, "known": known}
        )
    return rubric


def region_by_code(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise UnknownIndex(_("There is no region with code %(code)s.") % {"code": code})
    return region


def assessment_for(region: Region, year: int | None = None) -> Assessment:
    """The region's assessment of ``year``, or of its latest year."""
    assessments = Assessment.objects.filter(region=region).select_related("rubric", "region")
    found = assessments.filter(year=year).first() if year else assessments.order_by("-year").first()
    if found is None:
        years = ", ".join(
            str(y) for y in assessments.order_by("year").values_list("year", flat=True)
        )
        if year:
            message = _("%(region)s has no index assessment for %(year)s (years: %(years)s).")
        else:
            message = _("%(region)s has no index assessment yet.")
        raise UnknownIndex(message % {"region": region, "year": year, "years": years or "-"})
    return found


def assessments_visible_to(user, region: Region):
    if not get_access(user).reads_index_of_region(region.pk):
        return Assessment.objects.none()
    return Assessment.objects.filter(region=region).select_related("rubric")


def region_innovations(region: Region):
    return (
        Innovation.objects.filter(enrolment__programme__region=region)
        .select_related("enrolment__unit", "enrolment__programme")
        .order_by("name", "id")
    )


def eligibility_reasons(model: Model, innovation: Innovation) -> list[str]:
    """Why the edition's rules leave the innovation out; empty when it counts."""
    reasons = []
    window = model.eligibility.get("penerapan_window")
    if window:
        first, last = (datetime.date.fromisoformat(d) for d in window)
        when = innovation.implementation_date
        if when is None:
            reasons.append(
                _(
                    "Not implemented yet: the edition counts innovations implemented "
                    "from %(a)s to %(b)s."
                )
                % {"a": first.isoformat(), "b": last.isoformat()}
            )
        elif not first <= when <= last:
            reasons.append(
                _("Implemented on %(d)s, outside the edition's window %(a)s to %(b)s.")
                % {"d": when.isoformat(), "a": first.isoformat(), "b": last.isoformat()}
            )
    least = model.eligibility.get("rancang_bangun_min_words")
    if least is not None and innovation.design_words < least:
        reasons.append(
            _("Its design (rancang bangun) has %(n)s words; the edition asks for at least %(m)s.")
            % {"n": innovation.design_words, "m": least}
        )
    return reasons


def inputs(assessment: Assessment, model: Model) -> tuple[dict, list, dict]:
    """The engine's plain data for an assessment: region answers, innovations, and the
    Answer rows by (innovation id or None, key) for the pages."""
    rows = {}
    region_answers: dict = {}
    per_innovation: dict[int, dict] = {}
    for answer in Answer.objects.filter(assessment=assessment):
        rows[(answer.innovation_id, answer.item_key)] = answer
        value = (answer.level, answer.has_evidence)
        if answer.innovation_id is None:
            region_answers[answer.item_key] = value
        else:
            per_innovation.setdefault(answer.innovation_id, {})[answer.item_key] = value
    innovations = [
        engine.InnovationInput(
            id=inn.pk,
            name=inn.name,
            answers=per_innovation.get(inn.pk, {}),
            affairs=inn.affairs,
            reasons=eligibility_reasons(model, inn),
        )
        for inn in region_innovations(assessment.region)
    ]
    return region_answers, innovations, rows


def headline(result: dict) -> dict:
    keys = (
        "region",
        "region_name",
        "year",
        "rubric",
        "index",
        "category",
        "total",
        "max_total",
        "divisor",
        "count_score",
        "eligible",
        "aspects",
    )
    return {k: result[k] for k in keys}


def region_index(
    region: Region, year: int | None = None, rubric_version: str | None = None
) -> dict:
    """The region's index for a year (default: its latest assessment), by the assessment's
    rubric or by another version (``rubric_version``), with what is missing."""
    assessment = assessment_for(region, year)
    rubric = rubric_by_version(rubric_version) if rubric_version else assessment.rubric
    model = model_of(rubric)
    region_answers, innovations, _rows = inputs(assessment, model)
    result = engine.score(model, region_answers, innovations, assessment.year)
    result["missing"] = engine.missing(model, region_answers, innovations, assessment.year)
    return {
        "region": region.code,
        "region_name": region.name,
        **result,
        "is_demo": assessment.is_demo,
    }


def what_if(region: Region, year: int | None, improvements: list) -> dict:
    assessment = assessment_for(region, year)
    model = model_of(assessment.rubric)
    region_answers, innovations, _rows = inputs(assessment, model)
    return engine.what_if(model, region_answers, innovations, assessment.year, improvements)


def years_of(region: Region) -> list[dict]:
    """Year against year: each assessment's index, category and aspects, oldest first,
    with the change from the year before."""
    rows, previous = [], None
    for assessment in (
        Assessment.objects.filter(region=region).select_related("rubric").order_by("year")
    ):
        model = model_of(assessment.rubric)
        region_answers, innovations, _rows = inputs(assessment, model)
        result = engine.score(model, region_answers, innovations, assessment.year)
        result["change"] = None if previous is None else round(result["index"] - previous, 2)
        previous = result["index"]
        rows.append(result)
    return rows
