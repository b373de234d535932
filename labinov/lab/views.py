"""Pages of the lab: programmes, the unit workspace (drum-up, diagnose), boards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts.access import get_access
from labinov.core.errors import ActionError, NotAllowed
from labinov.lab import actions, readiness
from labinov.lab.forms import (
    CauseForm,
    CommentForm,
    CommitmentForm,
    DecreeForm,
    EnrolForm,
    GateForm,
    IdeaForm,
    InviteHeadForm,
    ProblemForm,
    ProgrammeForm,
    ReadinessForm,
    TeamMemberForm,
    UsgForm,
)
from labinov.lab.models import Cause, Comment, GateDecision, Idea, Problem, TeamMember, UsgScore
from labinov.lab.requirements import priority_problems
from labinov.lab.selectors import (
    board,
    current_stage,
    enrolments_visible_to,
    programmes_visible_to,
    reads_workspace,
    region_summary,
    usg_ranking,
    workspaces_visible_to,
)
from labinov.lab.stages import STAGES, gate_requirements, get_stage, has_gate
from labinov.regions.selectors import regions_visible_to


def _apply(form, fn, **kwargs):
    """Run an action; a refusal becomes a message on the form. Returns the result or None."""
    try:
        return fn(**kwargs)
    except ActionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


# Programmes ---------------------------------------------------------------------------


def programme_list(request):
    access = get_access(request.user)
    managed = [r for r in regions_visible_to(request.user) if access.manages_region(r.pk)]
    programmes = programmes_visible_to(request.user)
    code = request.GET.get("wilayah")
    if code:
        programmes = programmes.filter(region__code=code)
        managed = [r for r in managed if r.code == code]
    return render(
        request,
        "lab/programme_list.html",
        {"programmes": programmes, "managed_regions": managed, "stages": STAGES},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    access = get_access(request.user)
    code = request.GET.get("wilayah") or request.POST.get("wilayah")
    region = get_object_or_404(regions_visible_to(request.user), code=code)
    if not access.manages_region(region.pk):
        raise NotAllowed(_("Only the region's coordinator may create a lab programme."))
    form = ProgrammeForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        coaches = data.pop("coaches")
        programme = _apply(
            form, actions.create_programme, acting_user=request.user, region=region, **data
        )
        if programme is not None:
            if coaches:
                actions.set_coaches(acting_user=request.user, programme=programme, coaches=coaches)
            messages.success(request, _("The programme was created. Now enrol its units."))
            return redirect(programme)
    return render(request, "lab/programme_form.html", {"form": form, "region": region})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    if not get_access(request.user).manages_region(programme.region_id):
        raise NotAllowed(_("Only the region's coordinator may change a lab programme."))
    form = ProgrammeForm(request.POST or None, instance=programme, region=programme.region)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        coaches = data.pop("coaches")
        fresh = type(programme).objects.get(pk=programme.pk)
        done = _apply(
            form, actions.update_programme, acting_user=request.user, programme=fresh, **data
        )
        if done is not None:
            if set(coaches) != set(fresh.coaches.all()):
                actions.set_coaches(acting_user=request.user, programme=fresh, coaches=coaches)
            messages.success(request, _("The programme was saved."))
            return redirect(fresh)
    return render(
        request,
        "lab/programme_form.html",
        {"form": form, "region": programme.region, "programme": programme},
    )


def programme_detail(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    access = get_access(request.user)
    manages = access.manages_region(programme.region_id)
    context = {
        "programme": programme,
        "enrolments": enrolments_visible_to(request.user, programme=programme),
        "manages": manages,
        "reads_region": access.reads_region(programme.region_id),
        "current_stage": get_stage(current_stage(programme)),
        "plan": programme.plan(),
    }
    if manages:
        context["enrol_form"] = EnrolForm()
        context["invite_form"] = InviteHeadForm(programme=programme)
    return render(request, "lab/programme_detail.html", context)


@login_required
@require_POST
def programme_enrol(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    form = EnrolForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of unit from the list."))
        return redirect(programme)
    kind = form.cleaned_data["kind"]
    try:
        created = actions.enrol_units(
            acting_user=request.user,
            programme=programme,
            all_units=kind == "all",
            kind=None if kind == "all" else kind,
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d units were enrolled.") % {"n": len(created)})
    return redirect(programme)


@login_required
@require_POST
def programme_invite(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    if not get_access(request.user).manages_region(programme.region_id):
        raise NotAllowed(_("Only the region's coordinator may invite unit heads."))
    form = InviteHeadForm(request.POST, programme=programme)
    if form.is_valid():
        data = dict(form.cleaned_data)
        enrolment = programme.enrolments.get(pk=data.pop("enrolment"))
        user = _apply(
            form,
            actions.invite_unit_head,
            acting_user=request.user,
            enrolment=enrolment,
            request=request,
            **data,
        )
        if user is not None:
            messages.success(
                request,
                _("%(email)s is now the head of %(unit)s.")
                % {"email": data["email"], "unit": enrolment.unit},
            )
            return redirect(programme)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(programme)


def _ensure_reads_region(request, programme):
    if not get_access(request.user).reads_region(programme.region_id):
        raise NotAllowed(
            _("Only the coordinators, leaders, coaches and assessors of %(region)s see this.")
            % {"region": programme.region}
        )


@login_required
def programme_board(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    _ensure_reads_region(request, programme)
    rows = board(programme)
    return render(
        request,
        "lab/board.html",
        {"programme": programme, "rows": rows, "late_count": sum(r["late"] for r in rows)},
    )


@login_required
def programme_summary(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    _ensure_reads_region(request, programme)
    return render(
        request,
        "lab/summary.html",
        {"programme": programme, "summary": region_summary(programme)},
    )


def stage_guide(request):
    return render(request, "lab/stages.html", {"stages": STAGES})


# The unit's workspace ------------------------------------------------------------------


def _enrolment(request, pk):
    enrolment = get_object_or_404(enrolments_visible_to(request.user), pk=pk)
    if not reads_workspace(request.user, enrolment):
        raise NotAllowed(_("You may not see the work of this unit."))
    return enrolment


def _comments_by_target(enrolment):
    grouped = {}
    for c in Comment.objects.filter(enrolment=enrolment).select_related("author", "target_type"):
        grouped.setdefault(f"{c.target_type.model}:{c.target_id}", []).append(c)
    return grouped


def _workspace_context(request, enrolment, **forms):
    access = get_access(request.user)
    team = getattr(enrolment, "team", None)
    stage = get_stage(enrolment.stage)
    requirements = []
    if has_gate(stage.key, "enrolment"):
        requirements = [
            {"label": r.label, "met": r.check(enrolment)}
            for r in gate_requirements(stage.key, "enrolment")
        ]
    is_head = access.has_unit_role(enrolment.unit_id, {"unit_head"}) or access.is_platform_admin
    works = is_head or access.has_unit_role(enrolment.unit_id, {"team_member"})
    assessment = getattr(enrolment, "readiness", None)
    context = {
        "enrolment": enrolment,
        "programme": enrolment.programme,
        "stage": stage,
        "stages": STAGES,
        "requirements": requirements,
        "commitment": getattr(enrolment, "commitment", None),
        "team": team,
        "members": team.members.all() if team else [],
        "readiness": assessment,
        "readiness_band": readiness.band(assessment.percent) if assessment else "",
        "ranking": usg_ranking(enrolment),
        "decisions": enrolment.gate_decisions.all(),
        "comments": _comments_by_target(enrolment),
        "is_head": is_head,
        "works": works,
        "may_decide": actions.may_decide(request.user, enrolment)
        and has_gate(stage.key, "enrolment"),
        "commitment_form": CommitmentForm(
            initial={
                "signer_name": enrolment.unit.head_name,
                "signer_position": enrolment.unit.head_position,
            }
        ),
        "member_form": TeamMemberForm(),
        "decree_form": DecreeForm(),
        "gate_form": GateForm(),
        "comment_form": CommentForm(),
    }
    context.update(forms)
    return context


def workspace(request, pk):
    enrolment = _enrolment(request, pk)
    return render(request, "lab/workspace.html", _workspace_context(request, enrolment))


def _workspace_post(request, pk, form_class, form_key, fn, success, files=False, **extra):
    enrolment = _enrolment(request, pk)
    form = form_class(request.POST, request.FILES if files else None)
    if form.is_valid():
        done = _apply(
            form, fn, acting_user=request.user, enrolment=enrolment, **form.cleaned_data, **extra
        )
        if done is not None:
            messages.success(request, success)
            return redirect(enrolment)
    return render(
        request,
        "lab/workspace.html",
        _workspace_context(request, enrolment, **{form_key: form}),
        status=400,
    )


@login_required
@require_POST
def sign_pact(request, pk):
    return _workspace_post(
        request,
        pk,
        CommitmentForm,
        "commitment_form",
        actions.sign_commitment,
        _("The innovation pact is signed."),
        files=True,
    )


@login_required
@require_POST
def add_member(request, pk):
    return _workspace_post(
        request,
        pk,
        TeamMemberForm,
        "member_form",
        actions.add_team_member,
        _("The member joined the team."),
    )


@login_required
@require_POST
def set_decree(request, pk):
    return _workspace_post(
        request,
        pk,
        DecreeForm,
        "decree_form",
        actions.set_team_decree,
        _("The team's decree is recorded."),
        files=True,
    )


@login_required
@require_POST
def remove_member(request, pk):
    member = get_object_or_404(
        TeamMember.objects.filter(team__enrolment__in=workspaces_visible_to(request.user)), pk=pk
    )
    enrolment = member.team.enrolment
    actions.remove_team_member(acting_user=request.user, member=member)
    messages.success(request, _("The member left the team."))
    return redirect(enrolment)


@login_required
@require_POST
def decide(request, pk):
    enrolment = _enrolment(request, pk)
    form = GateForm(request.POST)
    if form.is_valid():
        record = _apply(
            form,
            actions.decide_gate,
            acting_user=request.user,
            enrolment=enrolment,
            **form.cleaned_data,
        )
        if record is not None:
            if record.decision == GateDecision.Decision.APPROVED:
                messages.success(
                    request,
                    _("The gate is passed: the unit is now in %(stage)s.")
                    % {"stage": get_stage(record.to_stage).label},
                )
            elif record.missing:
                messages.error(
                    request,
                    _("The gate is refused: these items are missing: %(items)s.")
                    % {"items": "; ".join(m["label"] for m in record.missing)},
                )
            else:
                messages.success(request, _("The refusal is recorded."))
            return redirect(enrolment)
    return render(
        request,
        "lab/workspace.html",
        _workspace_context(request, enrolment, gate_form=form),
        status=400,
    )


COMMENT_TARGETS = {
    "enrolment": lambda e, pk: e if e.pk == pk else None,
    "commitment": lambda e, pk: getattr(e, "commitment", None),
    "team": lambda e, pk: getattr(e, "team", None),
    "readinessassessment": lambda e, pk: getattr(e, "readiness", None),
    "problem": lambda e, pk: e.problems.filter(pk=pk).first(),
    "idea": lambda e, pk: Idea.objects.filter(problem__enrolment=e, pk=pk).first(),
}


@login_required
@require_POST
def comment(request, pk):
    enrolment = _enrolment(request, pk)
    form = CommentForm(request.POST)
    target = None
    if form.is_valid():
        kind, _sep, target_id = form.cleaned_data["target"].partition(":")
        finder = COMMENT_TARGETS.get(kind)
        target = finder(enrolment, int(target_id)) if finder and target_id.isdigit() else None
    if target is None:
        messages.error(request, _("Write the comment."))
        return redirect(request.POST.get("next") or enrolment.get_absolute_url())
    try:
        actions.add_comment(
            acting_user=request.user,
            enrolment=enrolment,
            target=target,
            text=form.cleaned_data["text"],
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The comment was added."))
    back = request.POST.get("next", "")
    if not back.startswith("/lab/"):
        back = enrolment.get_absolute_url()
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def readiness_form(request, pk):
    enrolment = _enrolment(request, pk)
    existing = getattr(enrolment, "readiness", None)
    form = ReadinessForm(request.POST or None, initial=existing.answers if existing else None)
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form,
            actions.submit_readiness,
            acting_user=request.user,
            enrolment=enrolment,
            answers=form.cleaned_data,
        )
        if done is not None:
            messages.success(
                request,
                _("The self-assessment is saved: %(score)d of %(max)d.")
                % {"score": done.score, "max": done.max_score},
            )
            return redirect(enrolment)
    return render(
        request,
        "lab/readiness.html",
        {
            "enrolment": enrolment,
            "form": form,
            "questionnaire": readiness.questionnaire(),
            "stage": get_stage("drum_up"),
        },
    )


# Diagnose ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request, pk):
    enrolment = _enrolment(request, pk)
    form = ProblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        problem = _apply(
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
        {"enrolment": enrolment, "form": form, "stage": get_stage("diagnose")},
    )


def _problem(request, pk):
    problem = get_object_or_404(
        Problem.objects.select_related("enrolment__unit", "enrolment__programme__region"), pk=pk
    )
    # The same rule as the workspace: visible enrolment, readable work.
    _enrolment(request, problem.enrolment_id)
    return problem


def _problem_context(request, problem, **forms):
    access = get_access(request.user)
    enrolment = problem.enrolment
    works = access.is_platform_admin or enrolment.unit_id in access.unit_ids()
    scores_by = access.has_unit_role(enrolment.unit_id, {"unit_head", "team_member"})
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
        "stage": get_stage("diagnose"),
        "works": works,
        "scores_by": scores_by,
        "row": ranking.get(problem.pk),
        "is_priority": problem in priority_problems(enrolment),
        "fishbone": [
            (value, label, causes.get(value, [])) for value, label in Cause.Category.choices
        ],
        "ideas": problem.ideas.all(),
        "comments": _comments_by_target(enrolment),
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


def problem_detail(request, pk):
    problem = _problem(request, pk)
    return render(request, "lab/problem_detail.html", _problem_context(request, problem))


def _causes_response(request, problem, form=None, status=200):
    context = _problem_context(request, problem, **({"cause_form": form} if form else {}))
    if request.htmx:
        # htmx swaps only successful answers; the form's message shows in the fragment.
        return render(request, "lab/_fishbone.html", context)
    return render(request, "lab/problem_detail.html", context, status=status)


@login_required
@require_POST
def cause_add(request, pk):
    problem = _problem(request, pk)
    form = CauseForm(request.POST)
    if (
        form.is_valid()
        and _apply(
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
    cause = get_object_or_404(
        Cause.objects.filter(problem__enrolment__in=workspaces_visible_to(request.user)), pk=pk
    )
    problem = cause.problem
    actions.remove_cause(acting_user=request.user, cause=cause)
    if not request.htmx:
        return redirect(problem)
    return _causes_response(request, problem)


@login_required
@require_POST
def usg_score(request, pk):
    problem = _problem(request, pk)
    form = UsgForm(request.POST)
    if (
        form.is_valid()
        and _apply(
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
    problem = _problem(request, pk)
    form = IdeaForm(request.POST)
    if (
        form.is_valid()
        and _apply(
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
