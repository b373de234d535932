"""The innovation expo: jury scoring on the scorecard, the ranking and the chosen best."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts.access import get_access
from labinov.accounts.models import User
from labinov.core.errors import ActionError, NotAllowed
from labinov.innovations import actions
from labinov.innovations.forms import ExpoForm, ScoreForm
from labinov.innovations.models import Expo, JuryScore
from labinov.innovations.scorecard import scorecard
from labinov.innovations.selectors import expo_entries, expo_ranking, expos_visible_to
from labinov.lab.selectors import programmes_visible_to


def _people(region):
    return User.objects.filter(role_assignments__region=region).distinct().order_by("username")


@login_required
@require_http_methods(["GET", "POST"])
def expo_create(request):
    programme = get_object_or_404(
        programmes_visible_to(request.user), pk=request.GET.get("program") or 0
    )
    if not get_access(request.user).manages_region(programme.region_id):
        raise NotAllowed(
            _("Only the coordinator of %(region)s may run its expo.") % {"region": programme.region}
        )
    form = ExpoForm(request.POST or None, people=_people(programme.region))
    if request.method == "POST" and form.is_valid():
        try:
            expo = actions.create_expo(
                acting_user=request.user, programme=programme, **form.cleaned_data
            )
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The expo is set up."))
            return redirect(expo)
    return render(request, "innovations/expo_form.html", {"form": form, "programme": programme})


def _expo(request, pk):
    expo = get_object_or_404(Expo, pk=pk)
    visible = expos_visible_to(request.user).filter(pk=expo.pk).first()
    if visible is None:
        raise NotAllowed(_("Only the region's people and the jury see the expo's scores."))
    return visible


def expo_detail(request, pk, score_form=None, scoring=None):
    expo = _expo(request, pk)
    is_juror = expo.jurors.filter(pk=getattr(request.user, "pk", None)).exists()
    mine = {}
    if is_juror:
        mine = {s.innovation_id: s for s in JuryScore.objects.filter(expo=expo, juror=request.user)}
    entries = []
    for innovation in expo_entries(expo):
        form = score_form if scoring == innovation.pk else None
        if is_juror and form is None:
            previous = mine.get(innovation.pk)
            form = ScoreForm(
                version=expo.scorecard_version,
                initial=previous.scores if previous else None,
                prefix=f"i{innovation.pk}",
            )
        entries.append({"innovation": innovation, "form": form, "mine": mine.get(innovation.pk)})
    return render(
        request,
        "innovations/expo.html",
        {
            "expo": expo,
            "card": scorecard(expo.scorecard_version),
            "entries": entries,
            "ranking": expo_ranking(expo),
            "is_juror": is_juror,
            "manages": get_access(request.user).manages_region(expo.programme.region_id),
            "best_refusal": actions.best_refusal(expo),
        },
        status=400 if score_form is not None else 200,
    )


@login_required
@require_POST
def expo_score(request, pk, innovation_pk):
    expo = _expo(request, pk)
    innovation = get_object_or_404(expo_entries(expo), pk=innovation_pk)
    form = ScoreForm(request.POST, version=expo.scorecard_version, prefix=f"i{innovation.pk}")
    if form.is_valid():
        try:
            actions.score_innovation(
                acting_user=request.user, expo=expo, innovation=innovation, scores=form.cleaned_data
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect(expo)
    return expo_detail(request, pk, score_form=form, scoring=innovation.pk)


@login_required
@require_POST
def expo_best(request, pk):
    expo = _expo(request, pk)
    innovation = get_object_or_404(expo_entries(expo), pk=request.POST.get("innovation") or 0)
    try:
        actions.choose_best(acting_user=request.user, expo=expo, innovation=innovation)
    except ActionError as exc:
        messages.error(request, exc.message)
        refused = expo_detail(request, pk)
        refused.status_code = 400
        return refused
    messages.success(
        request, _("%(name)s is chosen as the best innovation.") % {"name": innovation.name}
    )
    return redirect(expo)
