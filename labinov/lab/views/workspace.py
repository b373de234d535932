"""A unit's workspace: drum-up (pact, team, readiness), gate decisions, comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts.access import get_access
from labinov.core.errors import ActionError
from labinov.core.view_support import apply_action, safe_next
from labinov.lab import actions, readiness, selectors
from labinov.lab.forms import (
    CommentForm,
    CommitmentForm,
    DecreeForm,
    GateForm,
    MemberInviteForm,
    ReadinessForm,
    ReopenForm,
    TeamMemberForm,
)
from labinov.lab.models import Comment, Idea, TeamMember
from labinov.lab.selectors import (
    decisions_of,
    usg_ranking,
    workspaces_visible_to,
)
from labinov.lab.stages import (
    STAGES,
    Work,
    checklist,
    get_stage,
    has_gate,
    home_of,
    previous_stage,
)
from labinov.lab.views._common import allowed_work, decide_from_form, refusal_of
from labinov.regions.selectors import units_visible_to


def readable_enrolment(request, pk):
    return selectors.readable_enrolment(request.user, pk)


def comments_by_target(enrolment):
    grouped = {}
    for c in Comment.objects.filter(enrolment=enrolment).select_related("author", "target_type"):
        grouped.setdefault(f"{c.target_type.model}:{c.target_id}", []).append(c)
    return grouped


def _team_rows(team, *, is_head, invite_form=None):
    """The team's members, each with an invitation form when the head may give the
    member, who is only a name, an account (the bound form that failed, if any)."""
    rows = []
    members = team.members.select_related("user") if team else []
    for member in members:
        form = None
        if is_head and member.user_id is None:
            prefix = f"m{member.pk}"
            failed = invite_form is not None and invite_form.prefix == prefix
            form = invite_form if failed else MemberInviteForm(prefix=prefix)
        rows.append({"member": member, "invite_form": form})
    return rows


def _workspace_context(request, enrolment, invite_form=None, **forms):
    access = get_access(request.user)
    team = getattr(enrolment, "team", None)
    stage = get_stage(enrolment.stage)
    requirements = []
    if has_gate(stage.key, "enrolment"):
        requirements = checklist(stage.key, "enrolment", enrolment)
    is_head = access.heads(enrolment.unit_id) or access.is_platform_admin
    works = is_head or access.is_on_team(enrolment.unit_id)
    assessment = getattr(enrolment, "readiness", None)
    context = {
        "enrolment": enrolment,
        "programme": enrolment.programme,
        "stage": stage,
        "stages": STAGES,
        "requirements": requirements,
        "commitment": getattr(enrolment, "commitment", None),
        "team": team,
        "team_rows": _team_rows(team, is_head=is_head, invite_form=invite_form),
        "readiness": assessment,
        "readiness_band": readiness.band(assessment.percent) if assessment else "",
        "ranking": usg_ranking(enrolment),
        "decisions": decisions_of(enrolment),
        "comments": comments_by_target(enrolment),
        "is_head": is_head,
        "works": works,
        "can": allowed_work(enrolment, works=works, is_head=is_head),
        "may_decide": actions.may_decide(request.user, enrolment)
        and has_gate(stage.key, "enrolment"),
        "may_reopen": actions.may_reopen(request.user, enrolment),
        "reopen_to": previous_stage(stage.key),
        "reopen_form": ReopenForm(),
        "commitment_form": CommitmentForm(
            initial={
                "signer_name": enrolment.unit.head_name,
                "signer_position": enrolment.unit.head_position,
            }
        ),
        "member_form": TeamMemberForm(),
        "decree_form": DecreeForm(),
        "gate_form": GateForm(initial={"stage": enrolment.stage}),
        "comment_form": CommentForm(),
    }
    context.update(forms)
    return context


def workspace(request, pk):
    enrolment = readable_enrolment(request, pk)
    return render(request, "lab/workspace.html", _workspace_context(request, enrolment))


def _workspace_post(request, pk, form_class, form_key, fn, success, /, files=False, **extra):
    """Validate the form, call the action; ``success`` is the message, or makes it from
    what the action returned."""
    enrolment = readable_enrolment(request, pk)
    form = form_class(request.POST, request.FILES if files else None)
    if form.is_valid():
        done = apply_action(
            form, fn, acting_user=request.user, enrolment=enrolment, **form.cleaned_data, **extra
        )
        if done is not None:
            messages.success(request, success(done) if callable(success) else success)
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


def _joined(member) -> str:
    if member.user is None:
        return _("The member joined the team.")
    return _(
        "The member joined the team and logs in with %(email)s as a team member of the unit. "
        "A person new to Labinov gets an e-mail with a link to set a password."
    ) % {"email": member.user.email}


@login_required
@require_POST
def add_member(request, pk):
    return _workspace_post(
        request,
        pk,
        TeamMemberForm,
        "member_form",
        actions.add_team_member,
        _joined,
        request=request,
    )


def _visible_member(request, pk) -> TeamMember:
    """A team member of a workspace the person may see, or 404."""
    return get_object_or_404(
        TeamMember.objects.filter(team__enrolment__in=workspaces_visible_to(request.user)), pk=pk
    )


@login_required
@require_POST
def invite_member(request, pk):
    member = _visible_member(request, pk)
    enrolment = member.team.enrolment
    form = MemberInviteForm(request.POST, prefix=f"m{member.pk}")
    if form.is_valid():
        done = apply_action(
            form,
            actions.invite_team_member,
            acting_user=request.user,
            member=member,
            email=form.cleaned_data["email"],
            request=request,
        )
        if done is not None:
            messages.success(
                request,
                _(
                    "%(name)s logs in with %(email)s as a team member of the unit. "
                    "A person new to Labinov gets an e-mail with a link to set a password."
                )
                % {"name": done.name, "email": done.user.email},
            )
            return redirect(enrolment)
    return render(
        request,
        "lab/workspace.html",
        _workspace_context(request, enrolment, invite_form=form),
        status=400,
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
    member = _visible_member(request, pk)
    enrolment = member.team.enrolment
    refusal = refusal_of(actions.remove_team_member, acting_user=request.user, member=member)
    if refusal:
        messages.error(request, refusal)
        return render(
            request, "lab/workspace.html", _workspace_context(request, enrolment), status=400
        )
    messages.success(request, _("The member left the team."))
    return redirect(enrolment)


@login_required
@require_POST
def decide(request, pk):
    enrolment = readable_enrolment(request, pk)
    form = GateForm(request.POST)
    if form.is_valid():
        response = decide_from_form(
            request,
            form,
            actions.decide_gate,
            target=enrolment,
            passed_message=lambda record: (
                _("The gate is passed: the unit is now in %(stage)s.")
                % {"stage": get_stage(record.to_stage).label}
            ),
            acting_user=request.user,
            subject=enrolment,
        )
        if response is not None:
            return response
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
    enrolment = readable_enrolment(request, pk)
    form = CommentForm(request.POST)
    target = None
    if form.is_valid():
        kind, _sep, target_id = form.cleaned_data["target"].partition(":")
        finder = COMMENT_TARGETS.get(kind)
        target = finder(enrolment, int(target_id)) if finder and target_id.isdigit() else None
    if target is None:
        messages.error(request, _("Write the comment."))
        return redirect(safe_next(request, enrolment.get_absolute_url()))
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
    return redirect(safe_next(request, enrolment.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def readiness_form(request, pk):
    enrolment = readable_enrolment(request, pk)
    existing = getattr(enrolment, "readiness", None)
    form = ReadinessForm(request.POST or None, initial=existing.answers if existing else None)
    if request.method == "POST" and form.is_valid():
        done = apply_action(
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
            "stage": home_of(Work.READINESS),
        },
        status=400 if request.method == "POST" else 200,
    )


# Diagnose ------------------------------------------------------------------------------


@login_required
@require_POST
def reopen(request, pk):
    enrolment = readable_enrolment(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        record = apply_action(
            form,
            actions.reopen_stage,
            acting_user=request.user,
            subject=enrolment,
            reason=form.cleaned_data["reason"],
        )
        if record is not None:
            messages.success(
                request,
                _("The stage is reopened: the unit is back in %(stage)s.")
                % {"stage": get_stage(record.to_stage).label},
            )
            return redirect(enrolment)
    return render(
        request,
        "lab/workspace.html",
        _workspace_context(request, enrolment, reopen_form=form),
        status=400,
    )


@login_required
def unit_workspace(request, unit_pk):
    """A unit's workspace in its current programme (the menu's "My unit" and the unit
    page link here); the unit's page, saying so, when it is enrolled in none."""
    unit = get_object_or_404(units_visible_to(request.user), pk=unit_pk)
    enrolment = selectors.current_workspace_of(request.user, unit)
    if enrolment is None:
        messages.info(
            request,
            _("%(unit)s is not enrolled in a programme you can see yet.") % {"unit": unit},
        )
        return redirect(unit)
    return redirect(enrolment)
