"""The list of innovations, one innovation's record, and the forms that change it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.core.errors import NotAllowed
from labinov.core.view_support import apply_action
from labinov.innovations import actions
from labinov.innovations.actions._common import may_work_on
from labinov.innovations.actions.knowledge_base import source_id
from labinov.innovations.charts import before_after
from labinov.innovations.filtersets import InnovationFilterSet
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
    innovations_visible_to,
    reads_work,
)
from labinov.lab import actions as gate_actions
from labinov.lab.forms import GateForm, ReopenForm
from labinov.lab.models import Comment, Idea
from labinov.lab.selectors import decisions_of, problems_visible_to
from labinov.lab.stages import Subject, Work, checklist, get_stage, stages_of
from labinov.lab.subjects import lock_message, subject_of
from labinov.lab.views._common import decide_from_form, refusal_of
from labinov.library.models import LibraryEntry
from labinov.library.selectors import similar_entries


def innovation_list(request):
    filters = InnovationFilterSet.from_page(
        request.GET, queryset=innovations_visible_to(request.user)
    )
    page = Paginator(filters.page_qs().order_by("name", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "innovations/list.html",
        {
            "page_obj": page,
            "innovations": page.object_list,
            "count": page.paginator.count,
            "params": filters.page_params(),
            "filter_errors": filters.page_errors(),
            "figure_label": filters.figure_label,
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
    return render(
        request,
        "innovations/create.html",
        {"form": form, "idea": idea},
        status=400 if request.method == "POST" else 200,
    )


def _innovation(request, pk):
    return get_object_or_404(innovations_visible_to(request.user), pk=pk)


#: The edit form's fields that are each kind of work (the rest of the page has one form
#: per kind).
EDIT_WORK = (Work.DESIGN, Work.PROFILE, Work.DELIVERY)


def allowed_work(user, innovation) -> dict[str, bool]:
    """What the person may do on the page now, by kind of work: whether they work on the
    innovation and what its stage allows (so that the page offers no form the action would
    refuse)."""
    works = may_work_on(user, innovation)
    can = {work.value: works and innovation.allows(work) for work in Work}
    can["edit"] = any(can[w.value] for w in EDIT_WORK)
    return can


def _work_context(request, innovation, **forms):
    stage = get_stage(innovation.stage)
    may_reopen = gate_actions.may_reopen(request.user, innovation)
    can = allowed_work(request.user, innovation)
    today = timezone.localdate()
    milestones = list(innovation.milestones.prefetch_related("evidence"))
    for m in milestones:
        m.overdue = m.overdue_on(today)
    context = {
        "innovation": innovation,
        "stage": stage,
        "stages": stages_of(Subject.INNOVATION),
        "requirements": checklist(stage.key, "innovation", innovation),
        "decisions": decisions_of(innovation),
        "milestones": milestones,
        "measures": innovation.service_measures.all(),
        "risks": innovation.risks.all(),
        "photos": innovation.photos.all(),
        "comments": Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(Innovation), target_id=innovation.pk
        ).select_related("author"),
        "can": can,
        "locks": {
            work.value: lock_message(innovation, work)
            for work in Work
            if may_work_on(request.user, innovation) and not can[work.value]
        },
        "may_decide": gate_actions.may_decide(request.user, innovation)
        and gate_actions.has_open_gate(innovation),
        "may_reopen": may_reopen,
        "reopen_to": subject_of(innovation).reopen_target(innovation) if may_reopen else None,
        "reopen_form": ReopenForm(),
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
        photos = list(innovation.photos.all())
        return render(
            request,
            "innovations/public.html",
            {
                "innovation": innovation,
                "photos": photos,
                # OpenGraph's image: the first photo, as an absolute URL (portal/_og.html).
                "og_image": request.build_absolute_uri(
                    reverse("innovations:photo", args=[innovation.pk, photos[0].pk])
                )
                if photos
                else "",
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
    form = InnovationForm(
        request.POST or None, request.FILES or None, instance=innovation, innovation=innovation
    )
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
        status=400 if request.method == "POST" else 200,
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
    refusal = refusal_of(actions.resolve_risk, acting_user=request.user, risk=risk)
    if refusal:
        messages.error(request, refusal)
    else:
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
            gate_actions.decide_gate,
            target=innovation,
            passed_message=lambda record: _("The gate is passed."),
            acting_user=request.user,
            subject=innovation,
        )
        if response is not None:
            return response
    return render(
        request,
        "innovations/detail.html",
        _work_context(request, innovation, gate_form=form),
        status=400,
    )


@login_required
@require_POST
def reopen(request, pk):
    """A coach moves the innovation back to the stage it last passed, with a reason."""
    innovation = _innovation(request, pk)
    if not reads_work(request.user, innovation):
        raise NotAllowed(_("You may not change this innovation."))
    form = ReopenForm(request.POST)
    if form.is_valid():
        record = apply_action(
            form,
            gate_actions.reopen_stage,
            acting_user=request.user,
            subject=innovation,
            reason=form.cleaned_data["reason"],
        )
        if record is not None:
            messages.success(
                request,
                _("The stage is reopened: the innovation is back in %(stage)s.")
                % {"stage": get_stage(record.to_stage).label},
            )
            return redirect(innovation)
    return render(
        request,
        "innovations/detail.html",
        _work_context(request, innovation, reopen_form=form),
        status=400,
    )
