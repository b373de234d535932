"""The list of innovations, one innovation's record, and the forms that change it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.core.errors import NotAllowed
from labinov.core.view_support import apply_action
from labinov.innovations import actions
from labinov.innovations.actions._common import may_work_on
from labinov.innovations.actions.knowledge_base import source_id
from labinov.innovations.charts import before_after
from labinov.innovations.dashboard import apply_figure
from labinov.innovations.forms import (
    CommentForm,
    CreateForm,
    DisplayForm,
    InnovationForm,
    MeasureForm,
    MilestoneForm,
    PhotoForm,
    ProgressForm,
    RiskForm,
    VolumeForm,
)
from labinov.innovations.models import (
    DESIGN_MIN_WORDS,
    Innovation,
    Milestone,
    Risk,
)
from labinov.innovations.selectors import (
    decisions_of,
    filter_innovations,
    innovations_visible_to,
    reads_work,
)
from labinov.lab.forms import GateForm
from labinov.lab.models import Comment, Idea
from labinov.lab.selectors import problems_visible_to
from labinov.lab.stages import Subject, gate_requirements, get_stage, keys_of, stages_of
from labinov.lab.views._common import decide_from_form
from labinov.library.models import LibraryEntry
from labinov.library.selectors import similar_entries


def innovation_list(request):
    qs = innovations_visible_to(request.user)
    params = {k: request.GET.get(k, "") for k in ("wilayah", "unit", "program", "tahap", "angka")}
    qs = filter_innovations(
        qs,
        region=params["wilayah"],
        unit=params["unit"] if params["unit"].isdigit() else None,
        programme=params["program"] if params["program"].isdigit() else None,
        stage=params["tahap"] if params["tahap"] in keys_of(Subject.INNOVATION) else None,
    )
    qs, figure_label = apply_figure(qs, params["angka"])
    page = Paginator(qs.order_by("name", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "innovations/list.html",
        {
            "page_obj": page,
            "innovations": page.object_list,
            "count": page.paginator.count,
            "params": params,
            "figure_label": figure_label,
            "stages": stages_of(Subject.INNOVATION),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def innovation_create(request, idea_pk):
    idea = get_object_or_404(
        Idea.objects.filter(problem__in=problems_visible_to(request.user)), pk=idea_pk
    )
    form = CreateForm(request.POST or None, initial={"name": idea.title})
    if request.method == "POST" and form.is_valid():
        innovation = apply_action(
            form,
            actions.create_innovation,
            acting_user=request.user,
            idea=idea,
            name=form.cleaned_data["name"],
        )
        if innovation is not None:
            messages.success(request, _("The innovation is created. Now write its design."))
            return redirect("innovations:edit", pk=innovation.pk)
    return render(request, "innovations/create.html", {"form": form, "idea": idea})


def _innovation(request, pk):
    return get_object_or_404(innovations_visible_to(request.user), pk=pk)


def _work_context(request, innovation, **forms):
    stage = get_stage(innovation.stage)
    today = timezone.localdate()
    milestones = list(innovation.milestones.prefetch_related("evidence"))
    for m in milestones:
        m.overdue = m.overdue_on(today)
    context = {
        "innovation": innovation,
        "stage": stage,
        "stages": stages_of(Subject.INNOVATION),
        "requirements": [
            {"label": r.label, "met": r.check(innovation)}
            for r in gate_requirements(stage.key, "innovation")
        ],
        "decisions": decisions_of(innovation),
        "milestones": milestones,
        "measures": innovation.service_measures.all(),
        "risks": innovation.risks.all(),
        "photos": innovation.photos.all(),
        "comments": Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(Innovation), target_id=innovation.pk
        ).select_related("author"),
        "works": may_work_on(request.user, innovation) and innovation.documented_at is None,
        "may_decide": actions.may_decide(request.user, innovation)
        and innovation.documented_at is None,
        "design_min_words": DESIGN_MIN_WORDS,
        "gate_form": GateForm(initial={"stage": innovation.stage}),
        "milestone_form": MilestoneForm(),
        "progress_form": ProgressForm(),
        "measure_form": MeasureForm(),
        "volume_form": VolumeForm(
            initial={
                "transactions_per_year": innovation.transactions_per_year,
                "hours_per_visit": innovation.hours_per_visit,
            }
        ),
        "improvement": innovation.improvement,
        "risk_form": RiskForm(),
        "photo_form": PhotoForm(),
        "display_form": DisplayForm(instance=innovation),
        "comment_form": CommentForm(),
    }
    context.update(forms)
    return context


def innovation_detail(request, pk):
    innovation = _innovation(request, pk)
    if not reads_work(request.user, innovation):
        improvement = innovation.improvement
        return render(
            request,
            "innovations/public.html",
            {
                "innovation": innovation,
                "photos": innovation.photos.all(),
                "improvement": improvement,
                "before_after": before_after(improvement),
            },
        )
    return render(request, "innovations/detail.html", _work_context(request, innovation))


def _work_post(
    request, pk, form_class, form_key, fn, success, *, files=False, target="innovation", **extra
):
    innovation = _innovation(request, pk)
    if not reads_work(request.user, innovation):
        raise NotAllowed(_("You may not change this innovation."))
    form = form_class(request.POST, request.FILES if files else None)
    if form.is_valid():
        kwargs = {target: extra.pop("obj", innovation), **form.cleaned_data, **extra}
        done = apply_action(form, fn, acting_user=request.user, **kwargs)
        if done is not None:
            messages.success(request, success)
            return redirect(innovation)
    return render(
        request,
        "innovations/detail.html",
        _work_context(request, innovation, **{form_key: form}),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def innovation_edit(request, pk):
    innovation = _innovation(request, pk)
    if not may_work_on(request.user, innovation):
        raise NotAllowed(_("Only the unit's head and team, or the coordinator, change this."))
    form = InnovationForm(request.POST or None, request.FILES or None, instance=innovation)
    if request.method == "POST" and form.is_valid():
        fresh = Innovation.objects.get(pk=innovation.pk)
        done = apply_action(
            form,
            actions.update_innovation,
            acting_user=request.user,
            innovation=fresh,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("The innovation is saved."))
            return redirect(fresh)
    similar = similar_entries(
        f"{innovation.name} {innovation.design_problem}",
        region=innovation.enrolment.unit.region.name,
        exclude=(LibraryEntry.Source.LOCAL, source_id(innovation)),
    )
    return render(
        request,
        "innovations/edit.html",
        {
            "form": form,
            "innovation": innovation,
            "design_min_words": DESIGN_MIN_WORDS,
            "similar": similar,
        },
    )


@login_required
@require_POST
def display_save(request, pk):
    return _work_post(
        request,
        pk,
        DisplayForm,
        "display_form",
        actions.update_innovation,
        _("The launch and the public summary are saved."),
    )


@login_required
@require_POST
def milestone_add(request, pk):
    return _work_post(
        request,
        pk,
        MilestoneForm,
        "milestone_form",
        actions.add_milestone,
        _("The step is added to the action plan."),
    )


@login_required
@require_POST
def progress_add(request, pk, milestone_pk):
    innovation = _innovation(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, innovation=innovation)
    return _work_post(
        request,
        pk,
        ProgressForm,
        "progress_form",
        actions.record_progress,
        _("The progress is recorded."),
        files=True,
        target="milestone",
        obj=milestone,
    )


@login_required
@require_POST
def measure_set(request, pk):
    return _work_post(
        request,
        pk,
        MeasureForm,
        "measure_form",
        actions.set_service_measure,
        _("The service measure is saved."),
    )


@login_required
@require_POST
def volume_set(request, pk):
    return _work_post(
        request,
        pk,
        VolumeForm,
        "volume_form",
        actions.set_service_volume,
        _("Transactions per year and hours a visit are saved."),
    )


@login_required
@require_POST
def risk_add(request, pk):
    return _work_post(
        request, pk, RiskForm, "risk_form", actions.add_risk, _("The risk is recorded.")
    )


@login_required
@require_POST
def risk_resolve(request, pk, risk_pk):
    innovation = _innovation(request, pk)
    risk = get_object_or_404(Risk, pk=risk_pk, innovation=innovation)
    actions.resolve_risk(acting_user=request.user, risk=risk)
    messages.success(request, _("The risk is marked resolved."))
    return redirect(innovation)


@login_required
@require_POST
def photo_add(request, pk):
    return _work_post(
        request,
        pk,
        PhotoForm,
        "photo_form",
        actions.add_photo,
        _("The photo is added."),
        files=True,
    )


@login_required
@require_POST
def comment_add(request, pk):
    return _work_post(
        request,
        pk,
        CommentForm,
        "comment_form",
        actions.add_monitoring_comment,
        _("The comment is added."),
    )


@login_required
@require_POST
def decide(request, pk):
    innovation = _innovation(request, pk)
    form = GateForm(request.POST)
    if form.is_valid():
        response = decide_from_form(
            request,
            form,
            actions.decide_innovation_gate,
            subject=innovation,
            passed_message=lambda record: _("The gate is passed."),
            acting_user=request.user,
            innovation=innovation,
        )
        if response is not None:
            return response
    return render(
        request,
        "innovations/detail.html",
        _work_context(request, innovation, gate_form=form),
        status=400,
    )
