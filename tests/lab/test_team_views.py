"""The unit's team in the browser: the head adds members (with an account, linked to an
existing one, or a name only), invites a name later, removes a member; who may and may
not, and what a bad address gets."""

import pytest

from labinov.core.models import AuditEvent


def _add_member(client, enrolment, **fields):
    data = {"name": "Budi Santoso", "position": "Analis", "team_role": "anggota", **fields}
    return client.post(f"/lab/unit/{enrolment.pk}/tim/", data)


def _team_role_of(user, unit):
    from labinov.accounts.models import Role, RoleAssignment

    return RoleAssignment.objects.filter(user=user, role=Role.TEAM_MEMBER, unit=unit).exists()


@pytest.mark.django_db
def test_the_head_adds_a_member_with_an_email_who_then_works_in_the_lab(
    client, client_for, people, enrolment, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from labinov.accounts.models import User
    from labinov.lab.models import TeamMember

    head = client_for(people["unit_head"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _add_member(head, enrolment, email="Budi@Uji.invalid")
    assert response.status_code == 302
    person = User.objects.get(email__iexact="budi@uji.invalid")
    assert person.get_full_name() == "Budi Santoso" and not person.has_usable_password()
    assert TeamMember.objects.get(team__enrolment=enrolment, name="Budi Santoso").user == person
    assert _team_role_of(person, enrolment.unit)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["Budi@Uji.invalid"]
    html = head.get(f"/lab/unit/{enrolment.pk}/").content.decode()
    assert "Budi@Uji.invalid" in html
    for action in ("person.created", "role.assigned", "lab.team.member_added"):
        event = AuditEvent.objects.get(action=action)
        assert event.actor == people["unit_head"] and event.unit == enrolment.unit, action

    # The person sets a password with the link, logs in and works in the unit's lab.
    link = re.search(r"http://[^/]+(/akun/kata-sandi/atur/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "Tim-inovasi-2026", "new_password2": "Tim-inovasi-2026"}
    )
    response = client.post(
        "/akun/masuk/", {"username": "budi@uji.invalid", "password": "Tim-inovasi-2026"}
    )
    assert response.status_code == 302
    response = client.get(f"/lab/unit/{enrolment.pk}/")
    assert response.status_code == 200 and enrolment.unit.name in response.content.decode()
    assert f'href="/lab/unit/{enrolment.pk}/masalah/baru/"' in response.content.decode()


@pytest.mark.django_db
def test_an_existing_account_is_linked_and_gets_the_role_without_a_new_account(
    client_for, people, enrolment, mailoutbox, django_capture_on_commit_callbacks
):
    from labinov.accounts.models import User
    from labinov.lab.models import TeamMember

    coach = people["coach"]
    accounts = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _add_member(
            client_for(people["unit_head"]), enrolment, email=coach.email.upper()
        )
    assert response.status_code == 302
    assert User.objects.count() == accounts
    assert TeamMember.objects.get(name="Budi Santoso").user == coach
    assert _team_role_of(coach, enrolment.unit)
    assert mailoutbox == []


@pytest.mark.django_db
def test_without_an_email_the_member_is_a_name_only(client_for, people, enrolment):
    from labinov.accounts.models import User
    from labinov.lab.models import TeamMember

    accounts = User.objects.count()
    client = client_for(people["unit_head"])
    assert _add_member(client, enrolment, email="").status_code == 302
    assert TeamMember.objects.get(name="Budi Santoso").user is None
    assert User.objects.count() == accounts
    html = client.get(f"/lab/unit/{enrolment.pk}/").content.decode()
    assert "belum punya akun" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["team_member", "coach", "leader", "coordinator", "assessor"])
def test_only_the_head_adds_members(client_for, people, enrolment, role):
    from labinov.accounts.models import User
    from labinov.lab.models import TeamMember

    response = _add_member(client_for(people[role]), enrolment, email="budi@uji.invalid")
    assert response.status_code == 403
    assert not TeamMember.objects.exists()
    assert not User.objects.filter(email="budi@uji.invalid").exists()


@pytest.mark.django_db
def test_a_bad_email_gets_a_message_and_changes_nothing(client_for, people, enrolment):
    from labinov.accounts.models import RoleAssignment
    from labinov.lab.models import TeamMember

    roles = RoleAssignment.objects.count()
    response = _add_member(client_for(people["unit_head"]), enrolment, email="budi@")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html and "Masukkan alamat email yang valid." in html
    assert not TeamMember.objects.exists()
    assert RoleAssignment.objects.count() == roles
    assert not AuditEvent.objects.filter(action__startswith="lab.team").exists()


@pytest.mark.django_db
def test_the_same_account_is_on_the_team_once(client_for, people, enrolment):
    from labinov.lab.models import TeamMember

    client = client_for(people["unit_head"])
    assert _add_member(client, enrolment, email="budi@uji.invalid").status_code == 302
    response = _add_member(client, enrolment, name="Budi S.", email="BUDI@uji.invalid")
    assert response.status_code == 400
    assert "budi@uji.invalid sudah ada di tim." in response.content.decode().replace("BUDI", "budi")
    assert TeamMember.objects.count() == 1


@pytest.mark.django_db
def test_the_head_invites_a_member_who_was_only_a_name(
    client_for, people, enrolment, mailoutbox, django_capture_on_commit_callbacks
):
    from labinov.accounts.models import User
    from labinov.lab.models import TeamMember

    client = client_for(people["unit_head"])
    _add_member(client, enrolment)
    member = TeamMember.objects.get()
    html = client.get(f"/lab/unit/{enrolment.pk}/").content.decode()
    assert f'action="/lab/anggota/{member.pk}/undang/"' in html
    assert f'name="m{member.pk}-email"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/lab/anggota/{member.pk}/undang/", {f"m{member.pk}-email": "budi@uji.invalid"}
        )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.user == User.objects.get(email="budi@uji.invalid")
    assert _team_role_of(member.user, enrolment.unit)
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="lab.team.member_invited").exists()
    html = client.get(f"/lab/unit/{enrolment.pk}/").content.decode()
    assert "Budi Santoso masuk ke Labinov dengan budi@uji.invalid" in html
    assert f"/lab/anggota/{member.pk}/undang/" not in html


@pytest.mark.django_db
def test_inviting_a_name_needs_a_good_address_and_the_head(client_for, people, enrolment):
    from labinov.lab.models import TeamMember

    _add_member(client_for(people["unit_head"]), enrolment)
    member = TeamMember.objects.get()
    url = f"/lab/anggota/{member.pk}/undang/"
    response = client_for(people["unit_head"]).post(url, {f"m{member.pk}-email": "bukan"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    for role in ("team_member", "coach"):
        response = client_for(people[role]).post(url, {f"m{member.pk}-email": "x@uji.invalid"})
        assert response.status_code == 403
    member.refresh_from_db()
    assert member.user is None
    assert not AuditEvent.objects.filter(action="role.assigned").exists()


@pytest.mark.django_db
def test_removing_a_member_with_an_account_takes_the_role_away_and_keeps_the_account(
    client_for, people, enrolment
):
    from labinov.accounts.models import User
    from labinov.lab.models import TeamMember

    client = client_for(people["unit_head"])
    _add_member(client, enrolment, email="budi@uji.invalid")
    member = TeamMember.objects.get()
    person = member.user
    response = client.post(f"/lab/anggota/{member.pk}/hapus/")
    assert response.status_code == 302
    assert not TeamMember.objects.exists()
    assert not _team_role_of(person, enrolment.unit)
    assert User.objects.filter(pk=person.pk, is_active=True).exists()
    assert AuditEvent.objects.filter(action="role.revoked", unit=enrolment.unit).exists()
    removed = AuditEvent.objects.get(action="lab.team.member_removed")
    assert removed.details["role_revoked"] is True
    # Without the role the person no longer sees the unit's work.
    assert client_for(person).get(f"/lab/unit/{enrolment.pk}/").status_code == 404
