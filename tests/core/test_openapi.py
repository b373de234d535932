"""Property-based checks of the whole API against its own OpenAPI description: no input,
however odd, makes a server error, every status answered is documented, and every answer
(errors included) matches the schema it documents."""

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from labinov.accounts.actions import create_api_token
from labinov.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Calls go straight to the WSGI app, not through Django's test client, so Django would
    close the test's database connection after each request; keep it, as the client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(people):
    _token, raw = create_api_token(acting_user=people["coordinator"], name="schemathesis")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_own_promises(case, token, unit):
    case.call_and_validate(
        # The WSGI test client does not unpack gzip, which GZipMiddleware would send.
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_every_error_is_documented_with_the_one_error_shape(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert set(spec["components"]["schemas"]["Error"]["required"]) == {"message", "code", "errors"}
    search = spec["paths"]["/api/v1/library/search"]["get"]["responses"]
    assert {"200", "422"} <= set(search)
    replicate = spec["paths"]["/api/v1/library/{entry_id}/replicate"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "422"} <= set(replicate)
    error = replicate["403"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert "503" in spec["paths"]["/api/v1/health"]["get"]["responses"]


def test_the_interactive_docs_load_everything_from_labinov_itself(client):
    """Offices without internet see /api/v1/docs: Swagger UI comes from the app's static
    files, no asset from another host."""
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []


# Issue 9, finding 10: schema defects.


def test_region_and_unit_kinds_are_two_enums(client):
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    region_kind = schemas["RegionIn"]["properties"]["kind"]["$ref"].rsplit("/", 1)[-1]
    assert set(schemas[region_kind]["enum"]) == {"provinsi", "kabupaten", "kota"}
    unit_kind = schemas["UnitIn"]["properties"]["kind"]["$ref"].rsplit("/", 1)[-1]
    assert region_kind != unit_kind and "opd" in schemas[unit_kind]["enum"]


@pytest.mark.django_db
def test_public_reads_declare_the_token_optional(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/units", "/api/v1/innovations", "/api/v1/library/search"):
        security = paths[path]["get"]["security"]
        assert {} in security and {"Caller": []} in security, path
        # ... and an anonymous caller is indeed answered.
        assert client.get(path, {"q": "air"}).status_code == 200, path
    for path, method in (("/api/v1/me", "get"), ("/api/v1/tokens", "get")):
        assert paths[path][method]["security"] == [{"Caller": []}], path
        assert client.generic(method.upper(), path).status_code == 401, path


@pytest.mark.django_db
def test_a_too_long_address_answers_a_documented_414(client):
    spec = client.get("/api/v1/openapi.json").json()
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert "414" in operation["responses"]
    response = client.get("/api/v1/library/search", {"q": "air " * 2000})
    assert response.status_code == 414
    body = response.json()
    assert set(body) == {"message", "code", "errors"} and body["code"] == "uri_too_long"
    assert client.get("/pustaka/", {"q": "air " * 2000}).status_code == 414


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[null, null]", "[]", "null", "5", '"nama"'])
def test_a_json_body_that_is_not_an_object_is_refused(client, people, unit, body):
    from tests.regions.test_api import bearer

    response = client.patch(
        f"/api/v1/units/{unit.pk}",
        body,
        content_type="application/json",
        **bearer(people["coordinator"]),
    )
    assert response.status_code == 422
    answer = response.json()
    assert set(answer) == {"message", "code", "errors"} and answer["code"] == "invalid"
    assert answer["errors"] == [{"field": "", "message": "Kirim sebuah objek JSON."}]
