"""Replication ("Amati, Tiru, Modifikasi"): a unit starts an innovation from an entry of
the national knowledge base. The innovation is created by ``start_innovation``, as every
innovation is; the link to its source and the source's count are the knowledge base's."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.core.actions import record_event
from labinov.core.errors import ActionError
from labinov.innovations.actions._common import actor, ensure_works_in
from labinov.innovations.actions.innovations import start_innovation
from labinov.innovations.models import Innovation
from labinov.lab.stages import Subject, Work, allows
from labinov.library.models import LibraryEntry, Replication

REQUIRED_TEXTS = {
    "observed": gettext_lazy("Say what your team observed in the source innovation."),
    "imitated": gettext_lazy("Say what your team imitates from it."),
    "modified": gettext_lazy("Say what your team modifies for your region."),
}


def earlier_replication(entry: LibraryEntry, unit) -> Replication | None:
    """The newest replication of ``entry`` by ``unit``, in any programme."""
    return (
        Replication.objects.select_related("innovation")
        .filter(source=entry, innovation__enrolment__unit=unit)
        .first()
    )


@transaction.atomic
def replicate_entry(
    *,
    acting_user,
    entry: LibraryEntry,
    enrolment,
    observed: str,
    imitated: str,
    modified: str,
    name: str = "",
    again: bool = False,
) -> Replication:
    """Start an innovation in the acting team's own unit from a knowledge-base entry,
    pre-filled from the entry and linked to it.

    The innovation has no lab ``Idea``: ``Innovation.idea`` is optional, and inventing an
    idea would put a made-up record into the unit's diagnose (with the five PP 38/2017
    criteria ticked by no one). The replication itself, with what was observed, imitated
    and modified, is the innovation's origin. As for an innovation from an idea, the unit
    must have passed the diagnose gate.

    A unit that already replicated the entry (in any programme) is told so, with the
    innovation it started then; ``again=True`` starts another one anyway.
    """
    ensure_works_in(acting_user, enrolment.unit)
    if not allows(enrolment.stage, Subject.ENROLMENT, Work.START_INNOVATIONS):
        raise ActionError(
            _("The unit must pass the diagnose gate before it starts innovations."),
            field="enrolment",
        )
    texts = {
        key: (value or "").strip()
        for key, value in (("observed", observed), ("imitated", imitated), ("modified", modified))
    }
    for key, text in texts.items():
        if not text:
            raise ActionError(str(REQUIRED_TEXTS[key]), field=key)
    name = (name or entry.name).strip()[:250]
    if not name:
        raise ActionError(_("Give the innovation a name."), field="name")
    earlier = earlier_replication(entry, enrolment.unit)
    if earlier is not None and not again:
        raise ActionError(
            _(
                "%(unit)s already replicated this innovation as “%(innovation)s”. Continue "
                "that one, or confirm that you start another innovation from it."
            )
            % {"unit": enrolment.unit, "innovation": earlier.innovation.name},
            field="again",
        )
    innovation = start_innovation(
        acting_user=acting_user,
        enrolment=enrolment,
        origin={"replication_of": entry.pk, "source_id": entry.source_id},
        name=name,
        form=entry.form if entry.form in Innovation.Form.values else Innovation.Form.PUBLIC_SERVICE,
        kind=Innovation.Kind.NON_DIGITAL if entry.digital is False else Innovation.Kind.DIGITAL,
        affairs=entry.sector_label[:200],
        design_problem=entry.problem,
        design_method=entry.solution,
        design_advantages=texts["modified"],
    )
    replication = Replication.objects.create(
        source=entry, innovation=innovation, created_by=actor(acting_user), **texts
    )
    LibraryEntry.objects.filter(pk=entry.pk).update(replication_count=F("replication_count") + 1)
    record_event(
        acting_user=acting_user,
        action="library.replicated",
        obj=innovation,
        unit=enrolment.unit,
        details={"entry": entry.pk, "source_id": entry.source_id, "replication": replication.pk},
    )
    return replication
