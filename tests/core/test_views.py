import re

import pytest


@pytest.mark.django_db
def test_home_is_indonesian_and_uses_no_outside_asset(client, region):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Laboratorium Inovasi" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.mark.django_db
def test_english_can_be_chosen(client, region):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Innovation Laboratory" in html


@pytest.mark.django_db
def test_navigation_follows_the_role(client_for, people):
    anonymous = client_for(None).get("/").content.decode()
    assert "Jejak audit" not in anonymous and "Masuk" in anonymous
    admin = client_for(people["platform_admin"]).get("/").content.decode()
    assert "Administrasi" in admin
    head = client_for(people["unit_head"]).get("/").content.decode()
    assert "Administrasi" not in head and "Akun saya" in head
    # "My unit" leads to the unit's workspace in its current programme (lab:unit_workspace).
    unit_id = people["unit_head"].role_assignments.get().unit_id
    assert f'href="/lab/unit-kerja/{unit_id}/"' in head


@pytest.mark.django_db
def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(client, region):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_api_callers_may_ask_for_english(client):
    body = client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["message"].startswith("Not found")
