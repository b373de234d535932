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
