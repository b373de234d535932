"""The home page of a logged-in person: each role's next tasks, and who sees what."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from labinov.accounts.models import Role
from labinov.core.system import SystemActor
from labinov.innovations import actions as innovation_actions
from labinov.innovations.models import Innovation
from labinov.lab import actions
from labinov.lab.models import Enrolment
from tests.factories import RoleFactory, UnitFactory, UserFactory, programme_with_plan

SYSTEM = SystemActor("uji")
PAST = datetime.date.today() - datetime.timedelta(days=400)


def running_programme(region, *, late=True, title="Laboratorium Inovasi Uji"):
    year = PAST.year
    end = PAST if late else datetime.date(year, 12, 31)
    return programme_with_plan(
        region=region,
        title=title,
        year=year,
        status="running",
        plan={"drum_up": (datetime.date(year, 1, 1), end)},
    )


def grow(region, programme, n, *, prefix="Unit"):
    """``n`` more enrolled units, each with an innovation waiting at its design gate."""
    units = [UnitFactory(region=region, name=f"{prefix} {i:03d}") for i in range(n)]
    enrolments = actions.enrol_units(acting_user=SYSTEM, programme=programme, units=units)
    Innovation.objects.bulk_create(
        Innovation(enrolment=e, name=f"Inovasi {e.unit.name}") for e in enrolments
    )
    return enrolments


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_gets_the_public_front_not_a_role_home(client, region):
    programme = running_programme(region)
    grow(region, programme, 1)
    page = home(client)
    assert "Apa yang perlu dikerjakan" not in page
    assert "Unit 000" not in page
    assert "Laboratorium Inovasi" in page


def test_coach_sees_gates_waiting_oldest_first_with_links(client_for, people, region):
    programme = running_programme(region)
    first, second = grow(region, programme, 2)
    Enrolment.objects.filter(pk=first.pk).update(
        enrolled_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    innovation = Innovation.objects.get(enrolment=second)
    untouched = grow(region, programme, 1, prefix="Belum Mulai")[0]
    # A unit waits for the coach once it has worked in its stage (signed its pact).
    first.refresh_from_db()
    if first.stage == "drum_up" and not hasattr(first, "commitment"):
        actions.sign_commitment(
            acting_user=SYSTEM, enrolment=first, signer_name="dr. Uji", signer_position="Kepala"
        )
    page = home(client_for(people["coach"]))
    assert "Keputusan gerbang yang menunggu" in page
    assert page.index("Unit 000") < page.index("Unit 001")
    assert reverse("lab:workspace", kwargs={"pk": untouched.pk}) + "#gate" not in page
    assert reverse("lab:workspace", kwargs={"pk": first.pk}) + "#gate" in page
    assert reverse("innovations:detail", kwargs={"pk": innovation.pk}) + "#gate" in page


def test_a_coach_of_another_region_sees_nothing_of_this_region(
    client_for, people, region, other_region
):
    programme = running_programme(region)
    grow(region, programme, 2, prefix="Rahasia")
    other_coach = UserFactory(username="coach-lain")
    RoleFactory(user=other_coach, role=Role.COACH, region=other_region)
    page = home(client_for(other_coach))
    assert "Keputusan gerbang yang menunggu" in page
    assert "Rahasia" not in page
    assert "Tidak ada gerbang yang menunggu keputusan Anda." in page


def test_coach_sees_a_teams_comment_until_it_is_answered(client_for, people, region, unit):
    programme = running_programme(region)
    enrolment = actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]
    actions.add_comment(
        acting_user=people["team_member"],
        enrolment=enrolment,
        target=enrolment,
        text="Apakah SK tim sudah cukup?",
    )
    coach = client_for(people["coach"])
    page = home(coach)
    assert "Apakah SK tim sudah cukup?" in page
    assert reverse("lab:workspace", kwargs={"pk": enrolment.pk}) + "#comments" in page
    actions.add_comment(
        acting_user=people["coach"], enrolment=enrolment, target=enrolment, text="Sudah."
    )
    assert "Apakah SK tim sudah cukup?" not in home(coach)


def test_a_comment_on_a_problem_links_to_the_problem(client_for, people, region, unit):
    programme = running_programme(region)
    enrolment = actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]
    problem = actions.add_problem(
        acting_user=people["unit_head"],
        enrolment=enrolment,
        service="Akta kelahiran",
        description="Butuh 14 hari",
        affected="Orang tua",
    )
    actions.add_comment(
        acting_user=people["unit_head"], enrolment=enrolment, target=problem, text="Cukup?"
    )
    page = home(client_for(people["coach"]))
    assert f'href="{problem.get_absolute_url()}"' in page


def test_assessor_sees_expos_to_score_and_how_many_are_unscored(client_for, people, region):
    programme = running_programme(region)
    (enrolment,) = grow(region, programme, 1)
    innovation = Innovation.objects.get(enrolment=enrolment)
    Innovation.objects.filter(pk=innovation.pk).update(stage="display")
    innovation.refresh_from_db()
    expo = innovation_actions.create_expo(
        acting_user=people["coordinator"],
        programme=programme,
        title="Expo Inovasi Uji",
        held_on=datetime.date(2030, 5, 2),
        jurors=[people["assessor"]],
    )
    assessor = client_for(people["assessor"])
    page = home(assessor)
    assert "Expo Inovasi Uji" in page
    assert expo.get_absolute_url() in page
    assert "2 Mei 2030" in page
    assert "1 dari 1 inovasi masih harus Anda nilai" in page
    innovation_actions.score_innovation(
        acting_user=people["assessor"],
        expo=expo,
        innovation=innovation,
        scores=dict.fromkeys(_criteria(expo), 7),
    )
    assert "0 dari 1 inovasi masih harus Anda nilai" in home(assessor)


def _criteria(expo):
    from labinov.innovations.scorecard import scorecard

    return [c["key"] for c in scorecard(expo.scorecard_version)["criteria"]]


def test_leader_reaches_the_dashboard_and_figures_from_home(client_for, people, region):
    programme = running_programme(region)
    grow(region, programme, 3)
    page = home(client_for(people["leader"]))
    assert reverse("innovations:dashboard") + f"?wilayah={region.code}" in page
    assert "Dasbor portofolio" in page or "dasbor portofolio" in page.lower()
    assert "<li><strong>3</strong> Inovasi</li>" in page


def test_unit_head_sees_the_workspace_and_the_next_gates_checklist(
    client_for, people, unit, region
):
    programme = running_programme(region, late=False)
    enrolment = actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]
    for who in ("unit_head", "team_member"):
        page = home(client_for(people[who]))
        assert enrolment.get_absolute_url() in page
        assert "Kepala unit sudah menandatangani Pakta Inovasi" in page
        assert "✗" in page
    actions.sign_commitment(
        acting_user=people["unit_head"],
        enrolment=enrolment,
        signer_name="dr. Uji",
        signer_position="Kepala",
    )
    page = home(client_for(people["unit_head"]))
    assert "✓ Kepala unit sudah menandatangani Pakta Inovasi" in page


def test_coordinator_sees_the_board_late_units_first(client_for, people, region):
    late_programme = running_programme(region)
    (late,) = grow(region, late_programme, 1, prefix="Zebra Terlambat")
    Enrolment.objects.filter(pk=late.pk)  # stays in drum-up, past the planned end
    on_time = grow(region, late_programme, 1, prefix="Alfa")[0]
    Enrolment.objects.filter(pk=on_time.pk).update(stage="design")
    page = home(client_for(people["coordinator"]))
    assert reverse("lab:board", kwargs={"pk": late_programme.pk}) in page
    assert page.index("Zebra Terlambat") < page.index("Alfa 000")
    assert "1 dari 2 unit terlambat" in page


def test_platform_admin_sees_regions_and_imports(client_for, people, region):
    page = home(client_for(people["platform_admin"]))
    assert region.name in page
    assert reverse("library:import") in page


def test_a_person_with_several_roles_gets_a_section_per_role(client_for, people, region):
    RoleFactory(user=people["coach"], role=Role.LEADER, region=region)
    page = home(client_for(people["coach"]))
    assert 'id="home-coach"' in page
    assert 'id="home-leader"' in page


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        home(client)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "role", ["coach", "coordinator", "leader", "assessor", "unit_head", "platform_admin"]
)
def test_the_home_makes_as_many_queries_at_3_and_at_40_units(
    client_for, people, region, unit, role
):
    programme = running_programme(region)
    actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])
    grow(region, programme, 3, prefix="Awal")
    client = client_for(people[role])
    home(client)  # warms the process-wide caches (content types), as any earlier request
    small = _count(client)
    grow(region, programme, 37, prefix="Tambahan")
    assert _count(client) == small


def test_unit_page_names_the_head_and_leads_to_the_workspace(client_for, people, unit, region):
    people["unit_head"].first_name = "Siti"
    people["unit_head"].last_name = "Kepala"
    people["unit_head"].save()
    programme = running_programme(region, late=False)
    enrolment = actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]
    client = client_for(people["team_member"])
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "Siti Kepala" in page.split("<dt>Kepala</dt>", 1)[1].split("</dd>", 1)[0]
    link = reverse("lab:unit_workspace", kwargs={"unit_pk": unit.pk})
    assert link in page
    # The menu's "My unit" goes there too, and on to the workspace.
    assert f'href="{link}"' in home(client)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == enrolment.get_absolute_url()


def test_unit_workspace_link_of_an_unenrolled_unit_goes_back_to_the_unit(client_for, people, unit):
    response = client_for(people["unit_head"]).get(
        reverse("lab:unit_workspace", kwargs={"unit_pk": unit.pk})
    )
    assert response.status_code == 302
    assert response["Location"] == unit.get_absolute_url()


def test_unit_workspace_link_of_another_regions_unit_is_refused(client_for, people, other_unit):
    programme = running_programme(other_unit.region, late=False, title="Lain")
    actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[other_unit])
    response = client_for(people["unit_head"]).get(
        reverse("lab:unit_workspace", kwargs={"unit_pk": other_unit.pk})
    )
    # The unit's name is public; its work is not: back to the unit's page, no workspace.
    assert response.status_code == 302
    assert response["Location"] == other_unit.get_absolute_url()
