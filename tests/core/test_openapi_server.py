"""The API against its own OpenAPI description, the way another system meets it: schemathesis
(its command line) run against ``/api/v1/openapi.json`` of a running server holding the demo
region, with a coordinator's token. The in-process property test (test_openapi.py) sees only
a small fixture; the demo's refused gates, index assessments and expos give the answers their
full shapes. This found two schemas sharing a name (the gate's and the index's "what is
missing"), so one overwrote the other in the description."""

import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from ninja import Schema

import labinov
from labinov.accounts.actions import create_api_token
from labinov.accounts.models import User

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_no_two_api_schemas_share_a_name():
    """django-ninja names an OpenAPI component after its class: two classes of one name
    describe one of them wrongly."""
    for module in pkgutil.walk_packages(labinov.__path__, "labinov."):
        if module.name.endswith(".api") or ".api." in module.name:
            importlib.import_module(module.name)
    seen: dict[str, str] = {}
    clashes = []

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("labinov."):
                where = f"{sub.__module__}.{sub.__qualname__}"
                if sub.__name__ in seen and seen[sub.__name__] != where:
                    clashes.append((seen[sub.__name__], where))
                seen.setdefault(sub.__name__, where)
            walk(sub)

    walk(Schema)
    assert clashes == []


@pytest.mark.skipif(
    not (SCHEMATHESIS.exists() or shutil.which("schemathesis")),
    reason="schemathesis is not installed (pip install -e '.[dev]'): API fuzzing skipped",
)
def test_schemathesis_finds_no_server_error_and_no_broken_answer(live_server, transactional_db):
    call_command("demo")
    coordinator = User.objects.get(username="demo-koordinator")
    _token, raw = create_api_token(acting_user=coordinator, name="schemathesis")
    command = [
        str(SCHEMATHESIS if SCHEMATHESIS.exists() else shutil.which("schemathesis")),
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "-H",
        f"Authorization: Bearer {raw}",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        "10",
        # Revoking its own token would leave the rest of the run unauthenticated.
        "--exclude-path-regex",
        "/tokens",
        "--seed",
        "1",
        "--no-color",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
