"""Downloads of the lab's uploaded files, for those who may read the unit's work."""

from labinov.core.files import file_response
from labinov.lab.models import Commitment, Team
from labinov.lab.views.diagnose import readable_problem
from labinov.lab.views.workspace import readable_enrolment


def pact_scan(request, pk):
    enrolment = readable_enrolment(request, pk)
    commitment = Commitment.objects.filter(enrolment=enrolment).first()
    return file_response(commitment.scan if commitment else None)


def team_decree(request, pk):
    enrolment = readable_enrolment(request, pk)
    team = Team.objects.filter(enrolment=enrolment).first()
    return file_response(team.decree_file if team else None)


def evidence(request, pk):
    return file_response(readable_problem(request, pk).evidence_file)
