"""Pages of the innovation index: the region's index with what is missing and a "what if",
year against year, the coordinator's answers with evidence, and the rubric versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts.access import get_access
from labinov.core.errors import ActionError, NotAllowed
from labinov.core.files import file_response
from labinov.core.view_support import apply_action
from labinov.index import actions, selectors
from labinov.index.forms import AnswerForm, AssessmentForm, RubricUploadForm
from labinov.index.models import Answer, Assessment, Rubric
from labinov.regions.models import Region

MISSING_SHOWN = 25


def _region_for(request, code, *, edit=False) -> Region:
    try:
        region = selectors.region_by_code(code)
    except selectors.UnknownIndex as exc:
        raise Http404(exc.message) from exc
    access = get_access(request.user)
    allowed = (
        access.edits_index_of_region(region.pk) if edit else access.reads_index_of_region(region.pk)
    )
    if not allowed:
        if edit:
            raise NotAllowed(
                _("Only the coordinator of %(region)s may fill in its innovation index.")
                % {"region": region}
            )
        raise NotAllowed(
            _("The innovation index of %(region)s is read by its coordinator and leader.")
            % {"region": region}
        )
    return region


@login_required
def overview(request):
    access = get_access(request.user)
    regions = (
        Region.objects.all()
        if access.is_platform_admin
        else Region.objects.filter(
            pk__in=[rid for rid in access.member_region_ids() if access.reads_index_of_region(rid)]
        )
    )
    rows = []
    for region in regions.order_by("code"):
        latest = Assessment.objects.filter(region=region).order_by("-year").first()
        rows.append({"region": region, "latest": latest})
    return render(
        request, "index/overview.html", {"rows": rows, "is_admin": access.is_platform_admin}
    )


def _improvements(request) -> list[tuple[int | None, str, int]]:
    chosen = []
    for value in request.GET.getlist("improve")[:200]:
        who, _sep, rest = value.partition("|")
        key, _sep, level = rest.rpartition("|")
        if not key or not level.isdigit():
            continue
        innovation = int(who) if who.isdigit() else None
        chosen.append((innovation, key, int(level)))
    return chosen


@login_required
def region_index_page(request, code):
    region = _region_for(request, code)
    access = get_access(request.user)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    context = {"region": region, "can_edit": access.edits_index_of_region(region.pk)}
    try:
        result = selectors.region_index(region, year)
    except selectors.UnknownIndex as exc:
        if year:
            raise Http404(exc.message) from exc
        result = None
    if result is not None:
        chosen = _improvements(request)
        picked = {(i, k) for i, k, _lv in chosen}
        missing = result["missing"][:MISSING_SHOWN]
        for entry in missing:
            who = "-" if entry["innovation"] is None else entry["innovation"]
            entry["choice"] = f"{who}|{entry['key']}|{entry['top']}"
            entry["checked"] = (entry["innovation"], entry["key"]) in picked
        context.update(
            result=result,
            missing=missing,
            missing_total=len(result["missing"]),
            years=selectors.years_of(region),
            what_if=selectors.what_if(region, result["year"], chosen) if chosen else None,
        )
    context["start_form"] = AssessmentForm(
        versions=list(Rubric.objects.order_by("-version").values_list("version", flat=True))
    )
    return render(request, "index/region.html", context)


@login_required
@require_POST
def start(request, code):
    region = _region_for(request, code, edit=True)
    versions = list(Rubric.objects.order_by("-version").values_list("version", flat=True))
    form = AssessmentForm(request.POST, versions=versions)
    if form.is_valid():
        assessment = apply_action(
            form,
            actions.start_assessment,
            acting_user=request.user,
            region=region,
            year=form.cleaned_data["year"],
            rubric=Rubric.objects.get(version=form.cleaned_data["rubric"]),
        )
        if assessment is not None:
            messages.success(
                request, _("The assessment for %(year)s was started.") % {"year": assessment.year}
            )
            return redirect("index:fill", code=region.code, year=assessment.year)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("index:region", code=region.code)


def _assessment(region, year) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related("rubric", "region"), region=region, year=year
    )


@login_required
def fill(request, code, year, innovation=None):
    region = _region_for(request, code, edit=True)
    assessment = _assessment(region, year)
    model = selectors.model_of(assessment.rubric)
    _region_answers, innovations, rows = selectors.inputs(assessment, model)
    current = None
    if innovation is not None:
        current = next((i for i in innovations if i.id == innovation), None)
        if current is None:
            raise Http404(_("The innovation is not one of this region's."))
    items = model.innovation_items if current else model.region_items
    forms_ = []
    for item in items:
        answer = rows.get((current.id if current else None, item.key))
        form = AnswerForm(
            levels=item.levels,
            initial={
                "item_key": item.key,
                "innovation": current.id if current else None,
                "level": answer.level if answer else 0,
                "evidence_link": answer.evidence_link if answer else "",
                "evidence_note": answer.evidence_note if answer else "",
            },
            prefix=item.key,
        )
        forms_.append({"item": item, "answer": answer, "form": form})
    return render(
        request,
        "index/fill.html",
        {
            "region": region,
            "assessment": assessment,
            "innovations": innovations,
            "current": current,
            "rows": forms_,
        },
    )


@login_required
@require_POST
def answer(request, code, year):
    region = _region_for(request, code, edit=True)
    assessment = _assessment(region, year)
    model = selectors.model_of(assessment.rubric)
    prefix = request.POST.get("prefix", "")
    item = model.item(prefix)
    if item is None:
        raise Http404(_("The rubric has no such indicator."))
    form = AnswerForm(request.POST, request.FILES, levels=item.levels, prefix=prefix)
    innovation_id = request.POST.get(f"{prefix}-innovation") or None
    back = (
        reverse(
            "index:fill_innovation",
            kwargs={"code": code, "year": year, "innovation": innovation_id},
        )
        if innovation_id
        else reverse("index:fill", kwargs={"code": code, "year": year})
    )
    if form.is_valid():
        data = form.cleaned_data
        innovation = None
        if data["innovation"]:
            innovation = next(
                (i for i in selectors.region_innovations(region) if i.pk == data["innovation"]),
                None,
            )
            if innovation is None:
                raise Http404(_("The innovation is not one of this region's."))
        try:
            actions.set_answer(
                acting_user=request.user,
                assessment=assessment,
                item_key=data["item_key"],
                innovation=innovation,
                level=data["level"],
                evidence_file=data["evidence_file"],
                evidence_link=data["evidence_link"],
                evidence_note=data["evidence_note"],
                remove_evidence=data["remove_evidence"],
            )
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": item.name})
    else:
        messages.error(
            request,
            _("Not saved: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
    return redirect(f"{back}#{item.key}")


@login_required
@require_POST
def from_labinov(request, code, year):
    region = _region_for(request, code, edit=True)
    assessment = _assessment(region, year)
    written = actions.fill_from_labinov(acting_user=request.user, assessment=assessment)
    messages.success(
        request,
        _(
            "%(n)s answers were filled from Labinov's records. "
            "Attach their evidence so that they count."
        )
        % {"n": written},
    )
    return redirect("index:fill", code=code, year=year)


@login_required
def evidence(request, pk):
    answer = get_object_or_404(Answer.objects.select_related("assessment__region"), pk=pk)
    if not get_access(request.user).reads_index_of_region(answer.assessment.region_id):
        raise NotAllowed(_("The evidence is read by the region's coordinator and leader."))
    return file_response(answer.evidence_file)


@login_required
@require_http_methods(["GET", "POST"])
def rubrics(request):
    if not get_access(request.user).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator may load an index rubric."))
    form = RubricUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rubric, outcome = actions.load_rubric(
                acting_user=request.user,
                data=upload.read(),
                file_name=upload.name,
                provenance=form.cleaned_data["provenance"],
            )
        except actions.RubricRefused as exc:
            form.add_error(None, exc.message)
            errors = exc.errors
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            labels = {
                "created": _("Version %(v)s was loaded."),
                "replaced": _("Version %(v)s was replaced."),
                "unchanged": _("Version %(v)s is already loaded with the same content."),
            }
            messages.success(request, labels[outcome] % {"v": rubric.version})
            return redirect("index:rubrics")
    return render(
        request,
        "index/rubrics.html",
        {"form": form, "errors": errors, "rubrics": Rubric.objects.order_by("version")},
    )


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def pack_xlsx(request, code, year):
    from labinov.index.pack import submission_xlsx

    region = _region_for(request, code)
    return _download(
        submission_xlsx(_assessment(region, year)),
        f"iid-{region.code}-{year}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def pack_zip(request, code, year):
    from labinov.index.pack import evidence_zip

    region = _region_for(request, code)
    return _download(
        evidence_zip(_assessment(region, year)),
        f"bukti-iid-{region.code}-{year}.zip",
        "application/zip",
    )
