"""Downloads of the lab's uploaded files, for those who may read the unit's work."""

from labinov.core.files import file_response
from labinov.lab.models import Commitment, Team
from labinov.lab.views import _enrolment, _problem


def pact_scan(request, pk):
    enrolment = _enrolment(request, pk)
    commitment = Commitment.objects.filter(enrolment=enrolment).first()
    return file_response(commitment.scan if commitment else None)


def team_decree(request, pk):
    enrolment = _enrolment(request, pk)
    team = Team.objects.filter(enrolment=enrolment).first()
    return file_response(team.decree_file if team else None)


def evidence(request, pk):
    return file_response(_problem(request, pk).evidence_file)
