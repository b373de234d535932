import re

import pytest

from labinov.core.models import AuditEvent
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_log_in_with_username_or_email_and_log_out(client, people):
    user = people["coordinator"]
    response = client.post("/akun/masuk/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/akun/").status_code == 200
    client.post("/akun/keluar/")
    assert client.get("/akun/").status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_gets_a_message(client, people):
    response = client.post("/akun/masuk/", {"username": "coordinator-1", "password": "salah"})
    assert response.status_code == 200
    assert "benar" in response.content.decode()  # "...nama pengguna dan kata sandi yang benar"


@pytest.mark.django_db
def test_change_password_is_audited(client_for, people):
    user = people["team_member"]
    client = client_for(user)
    response = client.post(
        "/akun/kata-sandi/",
        {
            "old_password": PASSWORD,
            "new_password1": "Baru-sekali-2026",
            "new_password2": "Baru-sekali-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Baru-sekali-2026")
    assert AuditEvent.objects.filter(action="person.password_changed", actor=user).exists()


@pytest.mark.django_db
def test_reset_a_forgotten_password_by_email(client, people, mailoutbox):
    user = people["assessor"]
    client.post("/akun/kata-sandi/lupa/", {"email": user.email})
    assert len(mailoutbox) == 1
    link = re.search(r"http://[^/]+(/akun/kata-sandi/atur/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Lupa-lagi-2026", "new_password2": "Lupa-lagi-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lupa-lagi-2026")
    assert AuditEvent.objects.filter(
        action="person.password_changed", details__via="reset"
    ).exists()


@pytest.mark.django_db
def test_a_person_changes_their_profile(client_for, people):
    user = people["coach"]
    response = client_for(user).post(
        "/akun/ubah/", {"first_name": "Dewi", "last_name": "Lestari", "email": "dewi@uji.invalid"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.email) == ("Dewi", "dewi@uji.invalid")
    assert AuditEvent.objects.filter(action="person.updated", actor=user).exists()


@pytest.mark.django_db
def test_an_email_of_another_account_is_refused(client_for, people):
    user = people["coach"]
    taken = people["leader"].email
    response = client_for(user).post("/akun/ubah/", {"first_name": "X", "email": taken})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    user.refresh_from_db()
    assert user.email != taken and user.first_name != "X"
