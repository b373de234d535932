"""Diagnose pages: problems, causes (fishbone), USG scores, ideas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts.access import get_access
from labinov.core.errors import ActionError, NotAllowed
from labinov.core.view_support import apply_action
from labinov.lab import actions
from labinov.lab.forms import (
    CauseForm,
    CommentForm,
    IdeaForm,
    ProblemForm,
    UsgForm,
)
from labinov.lab.models import Cause, Idea, Problem, UsgScore
from labinov.lab.requirements import priority_problems
from labinov.lab.selectors import (
    restorable_removal,
    usg_ranking,
    workspaces_visible_to,
)
from labinov.lab.stages import Work, home_of
from labinov.lab.views._common import allowed_work
from labinov.lab.views.workspace import comments_by_target, readable_enrolment
from labinov.library.selectors import similar_entries


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request, pk):
    enrolment = readable_enrolment(request, pk)
    form = ProblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        problem = apply_action(
            form,
            actions.add_problem,
            acting_user=request.user,
            enrolment=enrolment,
            **form.cleaned_data,
        )
        if problem is not None:
            messages.success(request, _("The problem was added."))
            return redirect(problem)
    return render(
        request,
        "lab/problem_form.html",
        {"enrolment": enrolment, "form": form, "stage": home_of(Work.PROBLEMS)},
        status=400 if request.method == "POST" else 200,
    )


def readable_problem(request, pk):
    problem = get_object_or_404(
        Problem.objects.select_related("enrolment__unit", "enrolment__programme__region"), pk=pk
    )
    # The same rule as the workspace: visible enrolment, readable work.
    readable_enrolment(request, problem.enrolment_id)
    return problem


def readable_idea(request, pk):
    idea = get_object_or_404(
        Idea.objects.select_related(
            "problem__enrolment__unit", "problem__enrolment__programme__region"
        ),
        pk=pk,
    )
    readable_enrolment(request, idea.problem.enrolment_id)
    return idea


def works_in(user, enrolment) -> bool:
    """Whether the person adds and changes the unit's work: the pages show its forms."""
    access = get_access(user)
    return access.is_platform_admin or enrolment.unit_id in access.unit_ids()


def _ensure_works_in(request, enrolment):
    """Refuse the form before it is filled in, with the words the action would use."""
    if not works_in(request.user, enrolment):
        raise NotAllowed(
            _("Only the head and the innovation team of %(unit)s may change its work.")
            % {"unit": enrolment.unit}
        )


def _problem_context(request, problem, **forms):
    access = get_access(request.user)
    enrolment = problem.enrolment
    works = works_in(request.user, enrolment)
    scores_by = access.is_on_team(enrolment.unit_id)
    mine = (
        UsgScore.objects.filter(problem=problem, scorer=request.user).first() if scores_by else None
    )
    ranking = {r["problem"].pk: r for r in usg_ranking(enrolment)}
    causes = {}
    for cause in problem.causes.all():
        causes.setdefault(cause.category, []).append(cause)
    context = {
        "problem": problem,
        "enrolment": enrolment,
        "programme": enrolment.programme,
        "stage": home_of(Work.PROBLEMS),
        "works": works,
        "can": allowed_work(
            enrolment,
            works=works,
            is_head=access.is_platform_admin or access.heads(enrolment.unit_id),
        ),
        "scores_by": scores_by,
        "row": ranking.get(problem.pk),
        "is_priority": problem in priority_problems(enrolment),
        "fishbone": [
            (value, label, causes.get(value, [])) for value, label in Cause.Category.choices
        ],
        "ideas": problem.ideas.all(),
        # What other regions did about the same need, from the national knowledge base.
        "similar": similar_entries(
            f"{problem.service} {problem.description}",
            region=enrolment.programme.region.name,
        ),
        "comments": comments_by_target(enrolment),
        "cause_form": CauseForm(),
        "usg_form": UsgForm(
            initial={
                "urgency": mine.urgency,
                "seriousness": mine.seriousness,
                "growth": mine.growth,
            }
            if mine
            else None
        ),
        "idea_form": IdeaForm(),
        "comment_form": CommentForm(),
    }
    context.update(forms)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request, pk):
    problem = readable_problem(request, pk)
    _ensure_works_in(request, problem.enrolment)
    # The form sets what was typed on its own copy: the page and the action keep the stored.
    form = ProblemForm(
        request.POST or None, request.FILES or None, instance=Problem.objects.get(pk=problem.pk)
    )
    if request.method == "POST" and form.is_valid():
        done = apply_action(
            form,
            actions.update_problem,
            acting_user=request.user,
            problem=problem,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("The problem was changed."))
            return redirect(problem)
    return render(
        request,
        "lab/problem_form.html",
        {
            "enrolment": problem.enrolment,
            "problem": problem,
            "form": form,
            "stage": home_of(Work.PROBLEMS),
        },
    )


#: The query parameter naming a cause's removal that the fishbone offers to undo.
UNDO_PARAM = "dihapus"


def problem_detail(request, pk):
    problem = readable_problem(request, pk)
    context = _problem_context(request, problem)
    if UNDO_PARAM in request.GET and context["can"][Work.PROBLEMS]:
        context["removed"] = restorable_removal(problem, request.GET[UNDO_PARAM])
    return render(request, "lab/problem_detail.html", context)


def _causes_response(request, problem, form=None, status=200, removed=None):
    context = _problem_context(request, problem, **({"cause_form": form} if form else {}))
    context["removed"] = removed
    if request.htmx:
        # htmx swaps only successful answers; the form's message shows in the fragment.
        return render(request, "lab/_fishbone.html", context)
    return render(request, "lab/problem_detail.html", context, status=status)


@login_required
@require_POST
def cause_add(request, pk):
    problem = readable_problem(request, pk)
    form = CauseForm(request.POST)
    if (
        form.is_valid()
        and apply_action(
            form, actions.add_cause, acting_user=request.user, problem=problem, **form.cleaned_data
        )
        is not None
    ):
        if not request.htmx:
            return redirect(problem)
        return _causes_response(request, problem)
    return _causes_response(request, problem, form, status=400)


@login_required
@require_POST
def cause_remove(request, pk):
    """Remove a cause; the fishbone then offers to undo it (``cause_restore``)."""
    cause = get_object_or_404(
        Cause.objects.filter(problem__enrolment__in=workspaces_visible_to(request.user)), pk=pk
    )
    problem = cause.problem
    try:
        removal = actions.remove_cause(acting_user=request.user, cause=cause)
    except ActionError as exc:
        return _causes_refused(request, problem, exc)
    if not request.htmx:
        return redirect(f"{problem.get_absolute_url()}?{UNDO_PARAM}={removal.pk}#fishbone")
    return _causes_response(request, problem, removed=removal)


@login_required
@require_POST
def cause_restore(request, pk):
    """Undo the removal of a cause (the removal's audit event keeps it)."""
    problem = get_object_or_404(
        Problem.objects.filter(enrolment__in=workspaces_visible_to(request.user)), pk=pk
    )
    try:
        actions.restore_cause(
            acting_user=request.user, problem=problem, removal_id=request.POST.get("removal")
        )
    except ActionError as exc:
        return _causes_refused(request, problem, exc)
    if not request.htmx:
        return redirect(f"{problem.get_absolute_url()}#fishbone")
    return _causes_response(request, problem)


def _causes_refused(request, problem, exc):
    messages.error(request, exc.message)
    if request.htmx:  # htmx swaps no 400: the page reloads and shows the message
        return HttpResponse(status=400, headers={"HX-Refresh": "true"})
    return render(
        request, "lab/problem_detail.html", _problem_context(request, problem), status=400
    )


@login_required
@require_POST
def usg_score(request, pk):
    problem = readable_problem(request, pk)
    form = UsgForm(request.POST)
    if (
        form.is_valid()
        and apply_action(
            form, actions.score_usg, acting_user=request.user, problem=problem, **form.cleaned_data
        )
        is not None
    ):
        messages.success(request, _("Your USG scores are saved."))
        return redirect(problem)
    return render(
        request,
        "lab/problem_detail.html",
        _problem_context(request, problem, usg_form=form),
        status=400,
    )


@login_required
@require_POST
def idea_add(request, pk):
    problem = readable_problem(request, pk)
    form = IdeaForm(request.POST)
    if (
        form.is_valid()
        and apply_action(
            form, actions.add_idea, acting_user=request.user, problem=problem, **form.cleaned_data
        )
        is not None
    ):
        messages.success(request, _("The idea was added."))
        return redirect(problem)
    return render(
        request,
        "lab/problem_detail.html",
        _problem_context(request, problem, idea_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request, pk):
    idea = readable_idea(request, pk)
    _ensure_works_in(request, idea.problem.enrolment)
    # As for the problem: the form's own copy, the stored idea for the page and the action.
    form = IdeaForm(request.POST or None, instance=Idea.objects.get(pk=idea.pk))
    if request.method == "POST" and form.is_valid():
        done = apply_action(
            form, actions.update_idea, acting_user=request.user, idea=idea, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The idea was changed."))
            return redirect(idea.problem)
    return render(
        request,
        "lab/idea_form.html",
        {
            "idea": idea,
            "problem": idea.problem,
            "enrolment": idea.problem.enrolment,
            "form": form,
            "stage": home_of(Work.IDEAS),
        },
    )
