"""The one gate machine: any subject (a unit's enrolment, an innovation) moves to the next
stage by a recorded gate decision, and back by a coach's reopening, through these actions.

What differs per kind of subject is asked of its ``GateSubject`` (``labinov.lab.subjects``),
registered by the app that owns the kind; the checks here are the same for every kind.
"""

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts import notify
from labinov.accounts.access import get_access
from labinov.accounts.models import Notification
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, Conflict, NotAllowed
from labinov.lab.models import GateDecision
from labinov.lab.selectors import decisions_of
from labinov.lab.stages import get_stage, has_gate, is_stage, missing_items, next_stage
from labinov.lab.subjects import subject_of


def _actor(user):
    return user if getattr(user, "pk", None) else None


def _name_of(user) -> str:
    return user.get_full_name() or user.get_username()


def may_decide(user, subject) -> bool:
    """Whether ``user`` may decide the gate of the subject's current stage: the stage's
    deciders in the subject's region (a platform administrator always)."""
    handler = subject_of(subject)
    access = get_access(user)
    stage = get_stage(subject.stage)
    return access.is_platform_admin or access.has_region_role(
        handler.region_id(subject), stage.deciders
    )


def has_open_gate(subject) -> bool:
    """Whether the subject's current stage has a gate that is still to be decided."""
    handler = subject_of(subject)
    return has_gate(subject.stage, handler.kind) and not handler.is_finished(subject)


def ensure_current_stage(*, asked: str, current: str, passed: bool, decisions) -> None:
    """Refuse a decision of a stage the subject is no longer at.

    ``asked`` is the stage the person saw when deciding (the form's hidden field, the API's
    ``stage``); ``current`` the stage read under the row lock, ``passed`` whether that
    stage's gate is already passed (a documented innovation stays at its last stage), and
    ``decisions`` the subject's gate decisions, to name who decided first. Two coaches
    deciding at once, or one form sent twice, thus move the subject through one gate only.
    """
    if not is_stage(asked):
        raise ActionError(_("Choose the stage whose gate you decide."), field="stage")
    if asked == current and not passed:
        return
    earlier = decisions.filter(from_stage=asked, decision=GateDecision.Decision.APPROVED).first()
    if earlier is not None:
        raise Conflict(
            _(
                "The %(stage)s gate was already decided by %(who)s at %(when)s; "
                "nothing was changed. Reload the page to see the current stage."
            )
            % {
                "stage": get_stage(asked).label,
                "who": earlier.decided_by_name,
                "when": formats.date_format(
                    timezone.localtime(earlier.decided_at), "DATETIME_FORMAT"
                ),
            }
        )
    raise Conflict(
        _(
            "The decision is for the %(asked)s stage, but the current stage is %(current)s; "
            "nothing was changed. Reload the page to see the current stage."
        )
        % {"asked": get_stage(asked).label, "current": get_stage(current).label}
    )


@transaction.atomic
def decide_gate(*, acting_user, subject, stage: str, decision: str, reason: str) -> GateDecision:
    """Approve or refuse the gate of ``stage``, which must be the subject's current stage.

    ``subject`` is a unit's enrolment or an innovation (any registered kind). ``stage`` is
    the stage the person saw when deciding: a decision of a stage the subject has left
    meanwhile (a form sent twice, two coaches at once) is refused with ``Conflict`` and
    changes nothing; the row lock makes concurrent decisions take turns.

    An approval whose requirements are not all met is recorded as a refusal listing the
    missing items, each naming the object it concerns (``GateDecision.missing``); the
    subject then stays where it is. The reason recorded is the decider's own. Passing a
    stage moves the subject on (and does what its kind does on passing, such as publishing
    an innovation). Either way the decision is kept and audited. Dates never move anything.
    """
    handler = subject_of(subject)
    subject = handler.lock(subject)
    current = get_stage(subject.stage)
    if not may_decide(acting_user, subject):
        raise NotAllowed(
            _("Only %(roles)s of the region may decide the %(stage)s gate.")
            % {
                "roles": ", ".join(sorted(str(r.label) for r in current.deciders)),
                "stage": current.label,
            }
        )
    finished = handler.is_finished(subject)
    ensure_current_stage(
        asked=stage, current=current.key, passed=finished, decisions=decisions_of(subject)
    )
    if finished:
        raise ActionError(_("%(name)s has passed every gate.") % {"name": handler.name(subject)})
    if decision not in GateDecision.GATE_ANSWERS:
        raise ActionError(_("Choose to approve or refuse."), field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for the decision."), field="reason")
    if not has_gate(current.key, handler.kind):
        raise ActionError(handler.no_gate_message(subject, current))
    following = next_stage(current.key)
    missing = missing_items(current.key, handler.kind, subject)
    outcome = decision
    if decision == GateDecision.Decision.APPROVED and missing:
        outcome = GateDecision.Decision.REFUSED
    now = timezone.now()
    record = GateDecision.objects.create(
        **{handler.decision_field: subject},
        from_stage=current.key,
        to_stage=following.key if following else current.key,
        decision=outcome,
        reason=reason,
        missing=missing,
        decided_by=_actor(acting_user),
        decided_by_name=_name_of(acting_user),
        decided_at=now,
    )
    if outcome == GateDecision.Decision.APPROVED:
        handler.advance(subject, stage=current, following=following, now=now)
    record_event(
        acting_user=acting_user,
        action=f"{handler.audit_prefix}.{outcome}",
        obj=record,
        unit=handler.unit(subject),
        details={
            **handler.audit_details(subject),
            "from": current.key,
            "to": record.to_stage,
            "asked": decision,
            "reason": reason,
            "missing": list(dict.fromkeys(m["key"] for m in missing)),
        },
    )
    _tell_the_unit(
        acting_user,
        subject,
        gettext_lazy("%(who)s passed the %(stage)s gate of %(name)s.")
        if outcome == GateDecision.Decision.APPROVED
        else gettext_lazy("%(who)s refused the %(stage)s gate of %(name)s: %(reason)s"),
        stage=current,
        reason=reason,
    )
    return record


def _tell_the_unit(acting_user, subject, message, *, stage, reason="") -> None:
    """Notify the unit's head and team of a decision on their subject."""
    handler = subject_of(subject)
    with translation.override(settings.LANGUAGE_CODE):
        text = message % {
            "who": _name_of(acting_user),
            "stage": stage.label,
            "name": handler.name(subject),
            "reason": reason,
        }
    notify.notify(
        notify.unit_people(handler.unit(subject)),
        kind=Notification.Kind.GATE,
        text=text,
        url=subject.get_absolute_url(),
        actor=acting_user,
    )


def may_reopen(user, subject) -> bool:
    """Whether ``user`` may move the subject back to the stage it last passed: those who
    decide that stage's gate (a platform administrator always)."""
    handler = subject_of(subject)
    target = handler.reopen_target(subject)
    if target is None:
        return False
    access = get_access(user)
    return access.is_platform_admin or access.has_region_role(
        handler.region_id(subject), target.deciders
    )


@transaction.atomic
def reopen_stage(*, acting_user, subject, reason: str) -> GateDecision:
    """Move the subject back to the stage it last passed, so that the work that stage
    allows (a unit's problems and ideas after diagnose; an innovation's design after the
    design gate) can change again; that stage's gate is then decided anew. Kept as a
    ``reopened`` decision with its reason, and audited."""
    handler = subject_of(subject)
    subject = handler.lock(subject)
    current = get_stage(subject.stage)
    target = handler.reopen_target(subject)
    if target is None:
        raise ActionError(
            _("%(unit)s is in %(stage)s: there is no earlier stage of the unit to reopen.")
            % {"unit": handler.name(subject), "stage": current.label}
        )
    if not may_reopen(acting_user, subject):
        raise NotAllowed(
            _("Only %(roles)s of the region may reopen the %(stage)s stage.")
            % {
                "roles": ", ".join(sorted(str(r.label) for r in target.deciders)),
                "stage": target.label,
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for reopening the stage."), field="reason")
    now = timezone.now()
    record = GateDecision.objects.create(
        **{handler.decision_field: subject},
        from_stage=current.key,
        to_stage=target.key,
        decision=GateDecision.Decision.REOPENED,
        reason=reason,
        decided_by=_actor(acting_user),
        decided_by_name=_name_of(acting_user),
        decided_at=now,
    )
    handler.move_back(subject, to=target, now=now)
    record_event(
        acting_user=acting_user,
        action=f"{handler.audit_prefix}.reopened",
        obj=record,
        unit=handler.unit(subject),
        details={
            **handler.audit_details(subject),
            "from": current.key,
            "to": target.key,
            "reason": reason,
        },
    )
    _tell_the_unit(
        acting_user,
        subject,
        gettext_lazy("%(who)s reopened the %(stage)s stage of %(name)s: %(reason)s"),
        stage=target,
        reason=reason,
    )
    return record
