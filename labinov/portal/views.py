"""The public portal (no login): the front page, each region's gallery, statistics and
expo results; citizens' proposals and their private status page; the coordinator's
moderation queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts import throttle
from labinov.core import numbers
from labinov.core.view_support import apply_action
from labinov.innovations.charts import bars
from labinov.innovations.improvements import dimension_chart_rows, service_rollups
from labinov.innovations.measures import DIMENSIONS
from labinov.lab.stages import Subject, stages_of
from labinov.portal import actions, selectors
from labinov.portal.filtersets import GalleryFilterSet
from labinov.portal.forms import DecisionForm, IdeaForm, ProposalForm
from labinov.regions.models import Region

GALLERY_PAGE_SIZE = 12


def _region(code: str) -> Region:
    return get_object_or_404(Region, code=code)


def headline(region: Region, qs) -> dict:
    """The region's headline figures: published innovations and what they saved, as
    people read them (core/numbers.py)."""
    total = service_rollups(qs, name=region.name)["total"]
    return {
        "innovations": total.innovations,
        "measured": total.measured,
        "dimensions": [
            {"label": label, "text": numbers.percent(total.average(d)), "n": total.counted(d)}
            for d, label in DIMENSIONS.items()
        ],
        "rupiah": numbers.rupiah(total.rupiah_per_year),
        "hours": numbers.hours(total.hours_per_year),
        "people": numbers.people(total.people_served),
    }


def region_front_context(region: Region) -> dict:
    qs = selectors.published_innovations(region)
    return {
        "region": region,
        "newest": selectors.newest(qs),
        "sectors": selectors.sector_counts(qs)[:12],
        "units": selectors.unit_counts(qs)[:12],
        "figures": headline(region, qs),
        "expos": selectors.public_expo_results(region)[:3],
    }


def front(request):
    """The public front page (``core.views.home`` for anonymous visitors): one region's
    front directly, or, with several regions, each region with a link to its gallery."""
    regions = selectors.public_regions()
    if len(regions) == 1:
        return render(request, "portal/region_front.html", region_front_context(regions[0]))
    return render(request, "portal/front.html", {"regions": regions})


def region_front(request, code):
    return render(request, "portal/region_front.html", region_front_context(_region(code)))


def gallery(request, code):
    region = _region(code)
    published = selectors.published_innovations(region)
    filters = GalleryFilterSet.from_page(request.GET, queryset=published)
    page = Paginator(
        filters.page_qs().prefetch_related("photos").order_by("-published_at", "-id"),
        GALLERY_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    params = filters.page_params()
    photo = next(((i, i.photos.all()[0]) for i in page.object_list if i.photos.all()), None)
    return render(
        request,
        "portal/gallery.html",
        {
            "region": region,
            # OpenGraph's image: the first photo on the page (portal/_og.html).
            "og_image": request.build_absolute_uri(
                reverse("innovations:photo", args=[photo[0].pk, photo[1].pk])
            )
            if photo
            else "",
            "page_obj": page,
            "innovations": page.object_list,
            "count": page.paginator.count,
            "params": params,
            "query": "&".join(f"{k}={v}" for k, v in params.items() if v),
            "filter_errors": filters.page_errors(),
            "sectors": selectors.sector_counts(published),
            "units": selectors.unit_counts(published),
            "years": selectors.year_counts(published),
        },
    )


def statistics(request, code):
    region = _region(code)
    qs = selectors.published_innovations(region)
    stages = selectors.stage_counts(qs)
    stage_rows = [
        {"key": s.key, "name": s.label, "value": stages.get(s.key, 0)}
        for s in stages_of(Subject.INNOVATION)
        if stages.get(s.key)
    ]
    sector_rows = [
        {"key": r["key"], "name": r["name"], "value": r["n"]} for r in selectors.sector_counts(qs)
    ]
    year_rows = [
        {"key": r["key"], "name": str(r["key"]), "value": r["n"]} for r in selectors.year_counts(qs)
    ]
    total = service_rollups(qs, name=region.name)["total"]
    return render(
        request,
        "portal/statistics.html",
        {
            "region": region,
            "figures": headline(region, qs),
            "charts": [
                ("stage", _("Published innovations by stage"), bars(stage_rows)),
                ("sector", _("Published innovations by sector"), bars(sector_rows)),
                ("year", _("Published innovations by programme year"), bars(year_rows)),
                (
                    "service",
                    _("Service improvements: average change"),
                    bars(dimension_chart_rows(total)),
                ),
            ],
        },
    )


def expos(request, code):
    region = _region(code)
    return render(
        request,
        "portal/expos.html",
        {"region": region, "results": selectors.public_expo_results(region)},
    )


# -- citizens' proposals -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def propose(request):
    initial = {}
    chosen = Region.objects.filter(code=request.GET.get("wilayah") or "").first()
    if chosen is not None:
        initial["region"] = chosen
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.filled_honeypot():
            # A robot filled the field people never see: say little, keep nothing.
            throttle.proposal_refused_until(request)
            return render(request, "portal/proposal_refused.html", status=400)
        if form.is_valid():
            until = throttle.proposal_refused_until(request)
            if until is not None:
                form.add_error(None, throttle.proposal_wait_message(until))
                response = render(request, "portal/propose.html", {"form": form}, status=429)
                response["Retry-After"] = str(throttle.retry_after_seconds(until))
                return response
            proposal = apply_action(
                form, actions.file_proposal, acting_user=request.user, **form.cleaned_data
            )
            if proposal is not None:
                return render(request, "portal/proposal_filed.html", {"proposal": proposal})
        return render(request, "portal/propose.html", {"form": form}, status=400)
    return render(request, "portal/propose.html", {"form": form})


def proposal_status(request, token):
    proposal = selectors.proposal_by_token(token)
    if proposal is None:
        raise Http404(_("No proposal has this link. Check that the whole link was copied."))
    response = render(request, "portal/proposal_status.html", {"proposal": proposal})
    # The link is the proposal's only key: it must not leak to another site.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def moderation(request):
    proposals = selectors.proposals_moderated_by(request.user)
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/moderation.html",
        {"page_obj": page, "proposals": page.object_list, "count": page.paginator.count},
    )


def _moderated(request, pk):
    return get_object_or_404(selectors.proposals_moderated_by(request.user), pk=pk)


def _detail(request, proposal, *, decision_form=None, idea_form=None, status=200):
    enrolments = selectors.current_enrolments(proposal.region)
    return render(
        request,
        "portal/moderation_detail.html",
        {
            "proposal": proposal,
            "decision_form": decision_form or DecisionForm(),
            "idea_form": idea_form
            or IdeaForm(enrolments=enrolments, initial={"title": proposal.idea[:250]}),
            "programme": selectors.current_programme(proposal.region),
            "has_units": enrolments.exists(),
        },
        status=status,
    )


@login_required
def moderation_detail(request, pk):
    return _detail(request, _moderated(request, pk))


@login_required
@require_POST
def decide(request, pk):
    proposal = _moderated(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        done = apply_action(
            form,
            actions.decide_proposal,
            acting_user=request.user,
            proposal=proposal,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("The decision is recorded; the proposer sees it."))
            return redirect("portal:moderation")
    return _detail(request, proposal, decision_form=form, status=400)


@login_required
@require_POST
def to_idea(request, pk):
    proposal = _moderated(request, pk)
    form = IdeaForm(request.POST, enrolments=selectors.current_enrolments(proposal.region))
    if form.is_valid():
        done = apply_action(
            form,
            actions.turn_into_idea,
            acting_user=request.user,
            proposal=proposal,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(
                request,
                _("The proposal is now an idea of %(unit)s.")
                % {"unit": form.cleaned_data["enrolment"].unit},
            )
            return redirect("portal:moderation_detail", pk=proposal.pk)
    return _detail(request, proposal, idea_form=form, status=400)
