"""Reads of the public portal and of citizens' proposals.

What the public sees of innovations comes from ``innovations_visible_to`` asked for an
anonymous visitor (published innovations only), whoever is logged in: the portal's pages
and figures are the same for everyone, and never show an unpublished innovation.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.functions import Lower

from labinov.accounts.access import get_access
from labinov.innovations.models import Expo, Innovation
from labinov.innovations.selectors import expo_ranking, innovations_visible_to
from labinov.lab.models import Enrolment, LabProgramme
from labinov.lab.stages import Subject, Work, keys_allowing
from labinov.portal.models import Proposal
from labinov.regions.models import Region


def published_innovations(region: Region | None = None) -> QuerySet[Innovation]:
    """The published innovations (of one region), as an anonymous visitor sees them."""
    qs = innovations_visible_to(AnonymousUser())
    if region is not None:
        qs = qs.filter(enrolment__programme__region=region)
    return qs


def newest(qs: QuerySet[Innovation], n: int = 6) -> list[Innovation]:
    return list(qs.prefetch_related("photos").order_by("-published_at", "-id")[:n])


def sector_counts(qs: QuerySet[Innovation]) -> list[dict]:
    """Published innovations per government affair ("urusan"), the largest first; the
    same affair typed in another case counts once."""
    rows = (
        qs.exclude(affairs="")
        .annotate(key=Lower("affairs"))
        .values("key")
        .annotate(n=Count("id"))
        .order_by("-n", "key")
    )
    names = {}
    for key, name in (
        qs.exclude(affairs="").annotate(key=Lower("affairs")).values_list("key", "affairs")
    ):
        names.setdefault(key, name)
    return [{"key": r["key"], "name": names[r["key"]], "n": r["n"]} for r in rows]


def unit_counts(qs: QuerySet[Innovation]) -> list[dict]:
    rows = (
        qs.values("enrolment__unit_id", "enrolment__unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "enrolment__unit__name")
    )
    return [
        {"key": r["enrolment__unit_id"], "name": r["enrolment__unit__name"], "n": r["n"]}
        for r in rows
    ]


def year_counts(qs: QuerySet[Innovation]) -> list[dict]:
    rows = (
        qs.values("enrolment__programme__year")
        .annotate(n=Count("id"))
        .order_by("enrolment__programme__year")
    )
    return [{"key": r["enrolment__programme__year"], "n": r["n"]} for r in rows]


def stage_counts(qs: QuerySet[Innovation]) -> dict[str, int]:
    return dict(qs.values_list("stage").annotate(n=Count("id")).order_by())


def public_regions() -> list[Region]:
    """Every region, each with ``published``: how many innovations it has published."""
    counts = dict(
        published_innovations()
        .values_list("enrolment__programme__region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    regions = list(Region.objects.order_by("name"))
    for region in regions:
        region.published = counts.get(region.pk, 0)
    return regions


def public_expo_results(region: Region) -> list[dict]:
    """The region's expos whose best innovation has been chosen, each with its ranking
    limited to published innovations (no juror, no score sheet)."""
    published = set(published_innovations(region).values_list("pk", flat=True))
    results = []
    for expo in (
        Expo.objects.filter(programme__region=region, best__isnull=False)
        .select_related("programme", "best")
        .order_by("-held_on", "-id")
    ):
        ranking = [r for r in expo_ranking(expo) if r["innovation"].pk in published]
        results.append(
            {
                "expo": expo,
                "best": expo.best if expo.best_id in published else None,
                "ranking": ranking,
            }
        )
    return results


def current_programme(region: Region) -> LabProgramme | None:
    """The region's running programme (the newest), else its newest."""
    return (
        LabProgramme.objects.filter(region=region)
        .annotate(
            not_running=Case(
                When(status=LabProgramme.Status.RUNNING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("not_running", "-year", "-id")
        .first()
    )


def current_enrolments(region: Region) -> QuerySet[Enrolment]:
    """The units of the region's current programme whose stage still takes problems and
    ideas: where a citizen's proposal can become an idea."""
    programme = current_programme(region)
    if programme is None:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(
            programme=programme, stage__in=keys_allowing(Subject.ENROLMENT, Work.IDEAS)
        )
        .filter(stage__in=keys_allowing(Subject.ENROLMENT, Work.PROBLEMS))
        .select_related("unit", "programme")
        .order_by("unit__name")
    )


def proposals_moderated_by(user) -> QuerySet[Proposal]:
    """The proposals this person moderates (``Access.moderates_proposals_of``), the open
    ones first, oldest first."""
    access = get_access(user)
    if not access.is_authenticated:
        return Proposal.objects.none()
    qs = Proposal.objects.select_related("region", "lab_idea__problem__enrolment__unit")
    regions = access.moderated_region_ids()
    if regions is not None:
        qs = qs.filter(region_id__in=regions)
    return qs.annotate(
        closed=Case(
            When(status__in=[Proposal.Status.RECEIVED, Proposal.Status.ACCEPTED], then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("closed", "created_at", "id")


def proposal_by_token(token: str) -> Proposal | None:
    """The proposal whose private status link this is (the link is its only key)."""
    if not token or len(token) > 64:
        return None
    return (
        Proposal.objects.select_related("region", "lab_idea__problem__enrolment__unit")
        .filter(token=token)
        .first()
    )
