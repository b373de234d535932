"""Role x stage x kind of work, through HTTP (issue 14): every role, at every stage a
subject can be in, tries every kind of work the declaration names. A cell is allowed when
the role may do the work in its own unit (``ENDPOINTS`` of the permission matrix) and the
subject's stage allows it (``labinov.lab.stages``); an allowed cell must be done (the
database changes), any other must be refused (403, 404, or the lock's message with 400)
and change nothing.

The world is the permission matrix's; each cell moves the own unit's enrolment or
innovation to its stage inside the cell's savepoint, so no cell sees another's changes.
"""

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from labinov.innovations.actions.innovations import FILE_FIELDS
from labinov.innovations.forms import InnovationForm
from labinov.innovations.models import Innovation
from labinov.lab.models import Enrolment
from labinov.lab.stages import Subject, Work, allows, keys_of, stages_of
from tests.permission_endpoints import ENDPOINTS, WORKS_ON_INNOVATION, Endpoint
from tests.roles import ROLES
from tests.test_permission_matrix import _fingerprint, world  # noqa: F401


def _profile_change(s) -> dict:
    """The whole innovation form as stored, with only the profile (its aims) changed."""
    data = model_to_dict(s.innovation, fields=InnovationForm._meta.fields)
    data = {
        k: ("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in data.items()
        if k not in FILE_FIELDS
    }
    return {**data, "aims": "Tujuan yang diperbarui"}


#: The profile (aims, benefits, expected results) is part of the whole innovation form.
PROFILE = Endpoint(
    lambda s: f"/inovasi/{s.innovation.pk}/ubah/", WORKS_ON_INNOVATION, _profile_change
)

#: The page that does each kind of work (the permission matrix's endpoint of that name).
WORK_ENDPOINTS = {
    Work.COMMITMENT: "lab.sign_pact",
    Work.TEAM: "lab.add_member",
    Work.READINESS: "lab.readiness",
    Work.PROBLEMS: "lab.problem_create",
    Work.IDEAS: "lab.idea_add",
    Work.START_INNOVATIONS: "innovations.create",
    Work.DESIGN: "innovations.edit",
    Work.ACTION_PLAN: "innovations.milestone_add",
    Work.SERVICE_MEASURES: "innovations.measure",
    Work.DELIVERY: "innovations.progress",
    Work.DISPLAY: "innovations.display",
    Work.PROFILE: "innovations.profile",
}
ENDPOINTS = {**ENDPOINTS, "innovations.profile": PROFILE}
#: Where an enrolment can be: its own stages, then the first innovation stage (it stays there).
ENROLMENT_AT = (*keys_of(Subject.ENROLMENT), stages_of(Subject.INNOVATION)[0].key)
#: Where an innovation can be: its stages, then documented (its record closed).
DOCUMENTED = "documented"
INNOVATION_AT = (*keys_of(Subject.INNOVATION), DOCUMENTED)


def _kind(work: Work) -> Subject:
    return (
        Subject.INNOVATION
        if WORK_ENDPOINTS[work].startswith("innovations.") and (work != Work.START_INNOVATIONS)
        else Subject.ENROLMENT
    )


CELLS = [
    (work, at, role)
    for work in WORK_ENDPOINTS
    for at in (INNOVATION_AT if _kind(work) == Subject.INNOVATION else ENROLMENT_AT)
    for role in ROLES
]


def _allowed_by_stage(work: Work, at: str) -> bool:
    if at == DOCUMENTED:
        return False
    return allows(at, _kind(work), work)


def _put_at(subject, work: Work, at: str) -> None:
    if _kind(work) == Subject.ENROLMENT:
        Enrolment.objects.filter(pk=subject.enrolment.pk).update(stage=at)
        return
    fields = {"documented_at": None, "stage": at}
    if at == DOCUMENTED:
        fields = {"documented_at": timezone.now(), "stage": keys_of(Subject.INNOVATION)[-1]}
    Innovation.objects.filter(pk=subject.innovation.pk).update(**fields)


def test_every_kind_of_work_is_in_the_matrix():
    assert set(WORK_ENDPOINTS) == set(Work)


@pytest.mark.parametrize(("work", "at", "role"), CELLS, ids=lambda v: str(v))
def test_cell(world, db, work, at, role):  # noqa: F811
    subject = world["subjects"]["own_unit"]
    _put_at(subject, work, at)
    endpoint = ENDPOINTS[WORK_ENDPOINTS[work]]
    client = world["clients"][role]
    before = _fingerprint()
    response = getattr(client, endpoint.method)(endpoint.path(subject), endpoint.data(subject))
    status = response.status_code
    assert status < 500, f"{status}: {response.content[:300]!r}"
    if role in endpoint.allowed and _allowed_by_stage(work, at):
        assert status in (200, 201, 204, 302), f"{status} for an allowed cell"
        assert _fingerprint() != before, "answered as done, but nothing changed"
    else:
        assert status in (400, 403, 404), f"{status} for a refused cell"
        assert _fingerprint() == before, "a refused request changed the database"
