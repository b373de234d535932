import re
from datetime import timedelta

import pytest
from django.utils import timezone

from labinov.accounts.models import ApiToken
from labinov.core.models import AuditEvent
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_a_token_is_created_once_stored_hashed_and_revocable(client_for, people):
    user = people["coach"]
    client = client_for(user)
    created = client.post("/api/v1/tokens", {"name": "Dasbor"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert raw not in (token.key_hash, token.key_prefix) and token.key_hash != raw
    anonymous = client_for(None)
    me = anonymous.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200 and me.json()["username"] == user.username
    assert "token" not in client.get("/api/v1/tokens").json()["items"][0]
    assert client.post(f"/api/v1/tokens/{token.pk}/revoke").status_code == 200
    refused = anonymous.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"api_token.created", "api_token.revoked"} <= actions


@pytest.mark.django_db
def test_nobody_revokes_another_persons_token(client_for, people):
    client = client_for(people["coach"])
    token_id = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json").json()[
        "id"
    ]
    other = client_for(people["coordinator"])
    assert other.post(f"/api/v1/tokens/{token_id}/revoke").status_code == 404
    assert ApiToken.objects.get(pk=token_id).revoked_at is None


@pytest.mark.django_db
def test_a_token_from_the_account_page_is_shown_once(client_for, people):
    client = client_for(people["leader"])
    html = client.post("/akun/token/", {"name": "Dasbor Bappeda"}).content.decode()
    token = ApiToken.objects.get(user=people["leader"])
    assert 'id="new-token"' in html
    assert "lbv_" in html
    again = client.get("/akun/").content.decode()
    assert 'id="new-token"' not in again and token.key_prefix in again


@pytest.mark.django_db
def test_a_nameless_token_is_refused(client_for, people):
    html = client_for(people["leader"]).post("/akun/token/", {"name": " "}).content.decode()
    assert 'class="error"' in html
    assert not ApiToken.objects.exists()
    # A screen reader reads the field's help and its error: the ids it names exist.
    described = html.split('aria-describedby="')[1].split('"')[0].split()
    assert described == ["id_name_helptext", "id_name_error"]
    for element_id in described:
        assert f'id="{element_id}"' in html


@pytest.mark.django_db
def test_a_bad_bearer_header_is_refused(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer lbv_nonsense")
    assert response.status_code == 401


# Issue 9, finding 10: tokens expire, and end with the password they were made under.


def _api_token(client, **extra):
    response = client.post(
        "/api/v1/tokens", {"name": "Dasbor", **extra}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_a_token_expires_after_its_period_and_then_answers_401(client_for, people, settings):
    settings.API_TOKEN_DAYS = 90
    made = _api_token(client_for(people["coach"]))
    token = ApiToken.objects.get(pk=made["id"])
    assert timedelta(days=89) < token.expires_at - token.created_at <= timedelta(days=90)
    assert made["expires_at"] == token.expires_at.isoformat()
    anonymous = client_for(None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {made['token']}"}
    assert anonymous.get("/api/v1/me", **headers).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = anonymous.get("/api/v1/me", **headers)
    assert refused.status_code == 401
    body = refused.json()
    assert set(body) == {"message", "code", "errors"} and body["code"] == "token_expired"
    assert "kedaluwarsa" in body["message"]
    # An expired token also reads nothing that a public caller could not.
    assert anonymous.get("/api/v1/units", **headers).status_code == 401


@pytest.mark.django_db
def test_a_token_period_is_chosen_up_to_the_maximum(client_for, people, settings):
    settings.API_TOKEN_MAX_DAYS = 365
    client = client_for(people["coach"])
    made = _api_token(client, days=7)
    token = ApiToken.objects.get(pk=made["id"])
    assert token.expires_at - token.created_at <= timedelta(days=7)
    too_long = client.post(
        "/api/v1/tokens", {"name": "Abadi", "days": 366}, content_type="application/json"
    )
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["field"] == "days"
    page = client.post("/akun/token/", {"name": "Abadi", "days": 5000}).content.decode()
    assert 'class="error"' in page
    assert not ApiToken.objects.filter(name="Abadi").exists()
    client.post("/akun/token/", {"name": "Seminggu", "days": 7})
    week = ApiToken.objects.get(name="Seminggu")
    assert week.expires_at - week.created_at <= timedelta(days=7)


@pytest.mark.django_db
def test_changing_the_password_revokes_every_token(client_for, people):
    user = people["team_member"]
    client = client_for(user)
    raws = [_api_token(client)["token"], _api_token(client)["token"]]
    response = client.post(
        "/akun/kata-sandi/",
        {
            "old_password": PASSWORD,
            "new_password1": "Baru-sekali-2026",
            "new_password2": "Baru-sekali-2026",
        },
    )
    assert response.status_code == 302
    for raw in raws:
        refused = client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="person.password_changed")
    assert event.details["tokens_revoked"] == 2


@pytest.mark.django_db
def test_resetting_a_forgotten_password_revokes_every_token(client, client_for, people, mailoutbox):
    user = people["assessor"]
    raw = _api_token(client_for(user))["token"]
    client.post("/akun/kata-sandi/lupa/", {"email": user.email})
    link = re.search(r"http://[^/]+(/akun/kata-sandi/atur/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Lupa-lagi-2026", "new_password2": "Lupa-lagi-2026"})
    refused = client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401


@pytest.mark.django_db
def test_a_deactivated_persons_token_is_refused(client_for, people):
    user = people["leader"]
    raw = _api_token(client_for(user))["token"]
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    refused = client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401
