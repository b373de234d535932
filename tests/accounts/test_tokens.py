import pytest

from labinov.accounts.models import ApiToken
from labinov.core.models import AuditEvent


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
