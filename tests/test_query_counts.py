"""The leader's dashboard, the programme's pages, the innovations list and the region and
unit pages make a number of database queries that does not grow with the number of
innovations or units: the same page is counted at 3 and at 300 (issue 11)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from labinov.accounts.models import Role
from labinov.lab.models import StagePlan
from tests.factories import (
    EnrolmentFactory,
    GateDecisionFactory,
    InnovationFactory,
    ProgrammeFactory,
    RegionFactory,
    RoleFactory,
    ServiceMeasureFactory,
    UnitFactory,
    UserFactory,
)

#: Queries that may differ between 3 and 300 (none expected; a page that pages its list
#: may add one for the paginator's count).
SLACK = 2


def build(n: int, *, code: str):
    """A region with one programme, ``n`` enrolled units and ``n`` innovations, each with a
    gate decision and a service measure, and its coordinator, leader and unit head."""
    region = RegionFactory(code=code, name=f"Kabupaten Hitung {n}")
    programme = ProgrammeFactory(region=region, title=f"Lab Hitung {n}", year=2025)
    StagePlan.objects.create(
        programme=programme,
        stage="drum_up",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 1, 31),
    )
    enrolments = []
    for i in range(n):
        stage = "design" if i % 3 else "diagnose"
        enrolment = EnrolmentFactory(programme=programme, unit__region=region, stage=stage)
        enrolments.append(enrolment)
        innovation = InnovationFactory(
            enrolment=enrolment, stage="deliver" if i % 2 else "design", name=f"Inovasi {i:03d}"
        )
        GateDecisionFactory(innovation=innovation, from_stage="design", to_stage="deliver")
        ServiceMeasureFactory(innovation=innovation)
    people = {}
    for role in (Role.COORDINATOR, Role.LEADER):
        user = UserFactory(username=f"{role}-hitung-{n}")
        RoleFactory(user=user, role=role, region=region)
        people[role] = user
    head = UserFactory(username=f"kepala-hitung-{n}")
    RoleFactory(user=head, role=Role.UNIT_HEAD, region=region, unit=enrolments[0].unit)
    people[Role.UNIT_HEAD] = head
    UnitFactory(region=region, name=f"Unit tanpa program {n}")
    return region, programme, enrolments, people


PAGES = [
    (Role.LEADER, "/inovasi/dasbor/?wilayah={region}"),
    (Role.LEADER, "/lab/{programme}/ringkasan/"),
    (Role.COORDINATOR, "/lab/{programme}/papan/"),
    (Role.COORDINATOR, "/lab/{programme}/"),
    (Role.COORDINATOR, "/lab/"),
    (Role.COORDINATOR, "/inovasi/"),
    (Role.COORDINATOR, "/inovasi/?wilayah={region}"),
    (Role.COORDINATOR, "/wilayah/"),
    (Role.COORDINATOR, "/wilayah/{region}/"),
    (Role.COORDINATOR, "/wilayah/unit/{unit}/"),
    (Role.UNIT_HEAD, "/lab/unit/{enrolment}/"),
]


def count_queries(client_for, n: int, *, code: str) -> dict[str, int]:
    region, programme, enrolments, people = build(n, code=code)
    counts = {}
    for role, path in PAGES:
        url = path.format(
            region=region.code,
            programme=programme.pk,
            unit=enrolments[0].unit_id,
            enrolment=enrolments[0].pk,
        )
        client = client_for(people[role])
        client.get(url)  # warm the session and per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        counts[path] = len(queries)
    return counts


@pytest.mark.django_db
def test_pages_make_as_many_queries_for_300_innovations_as_for_3(client_for):
    small = count_queries(client_for, 3, code="99.50")
    large = count_queries(client_for, 300, code="99.51")
    grown = {
        path: (small[path], large[path]) for path in small if large[path] > small[path] + SLACK
    }
    assert not grown, f"queries at 3 and at 300 innovations: {grown}"
