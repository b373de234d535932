import pytest


@pytest.mark.django_db
def test_health_answers_with_the_database(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_openapi_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/health" in spec["paths"]
    assert "/api/v1/units" in spec["paths"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/no-such-thing", 404, "not_found"),
        ("delete", "/api/v1/health", 405, "method_not_allowed"),
        ("get", "/api/v1/units?limit=abc", 422, "invalid"),
        ("get", "/api/v1/units/999999", 404, "not_found"),
        ("get", "/api/v1/me", 401, "not_authenticated"),
        ("get", "/api/v1/units?region=a%00b", 400, "invalid"),
    ],
)
def test_every_error_has_one_shape(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == code
    assert body["message"]


@pytest.mark.django_db
def test_a_validation_error_names_the_field(client):
    body = client.get("/api/v1/units?limit=abc").json()
    assert any(e["field"].endswith("limit") for e in body["errors"])


@pytest.mark.django_db
def test_lists_answer_count_and_items_and_page(client, region):
    from tests.factories import UnitFactory

    UnitFactory.create_batch(5, region=region)
    body = client.get("/api/v1/units?limit=2&offset=1").json()
    assert body["count"] == 5
    assert len(body["items"]) == 2


@pytest.mark.django_db
def test_errors_speak_indonesian_by_default(client):
    assert "Tidak ditemukan" in client.get("/api/v1/no-such-thing").json()["message"]
