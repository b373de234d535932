"""The production switch LABINOV_HTTPS, checked as an operator meets it: `labinov check
--deploy` and HTTP answers of an installation started with the switch, each in its own
`labinov` process (settings are read from the environment once, at start)."""

import json
import secrets

import pytest

from tests.cli import run

HOST = "labinov.purbalinggakab.go.id"

# Runs inside `labinov shell` of an installation with the environment under test: asks it
# over HTTP with Django's test client, as the proxy in front would, and prints what it saw.
PROBE = """
import json
from django.test import Client, override_settings
from labinov.accounts.models import User

User.objects.create_user(username="probe", password="a-long-probe-password-42")
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
seen = {}
with override_settings(STORAGES={"staticfiles": static, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage"}}):
    plain = Client(HTTP_HOST="%(host)s")
    r = plain.get("/akun/masuk/")
    seen["plain"] = [r.status_code, r.get("Location")]
    seen["plain_health"] = plain.get("/api/v1/health").status_code
    proxied = Client(HTTP_HOST="%(host)s", headers={"X-Forwarded-Proto": "https"})
    r = proxied.get("/akun/masuk/")
    seen["https"] = r.status_code
    seen["hsts"] = r.get("Strict-Transport-Security")
    seen["csrf_cookie"] = dict(r.cookies["csrftoken"])
    r = proxied.post("/akun/masuk/", {"username": "probe", "password": "a-long-probe-password-42"})
    seen["login"] = r.status_code
    seen["session_cookie"] = dict(r.cookies["sessionid"])
    r = proxied.post("/i18n/setlang/", {"language": "en", "next": "/"})
    seen["language_cookie"] = dict(r.cookies["django_language"])
print("PROBE" + json.dumps(seen))
"""


# Inherited from the shell or set by the browser tests' conftest in this very process;
# either would change what an operator's clean environment shows.
NOT_INHERITED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "LABINOV_HSTS_SECONDS",
    "LABINOV_HSTS_PRELOAD",
    "LABINOV_SECURE_COOKIES",
    "LABINOV_BEHIND_HTTPS_PROXY",
    "CSRF_TRUSTED_ORIGINS",
)


@pytest.fixture
def production_env(cli_env):
    return {
        **{name: value for name, value in cli_env.items() if name not in NOT_INHERITED},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "LABINOV_HTTPS": "true",
    }


def probe(env) -> dict:
    run("migrate", "--noinput", env=env, timeout=300)
    out = run("shell", "-c", PROBE % {"host": HOST}, env=env).stdout
    return json.loads(out.split("PROBE", 1)[1])


def test_check_deploy_is_clean_with_the_production_switch(production_env):
    result = run("check", "--deploy", "--fail-level", "WARNING", env=production_env, check=False)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_the_switch(production_env):
    env = {**production_env, "LABINOV_HTTPS": "false"}
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_the_switch_redirects_to_https_and_sends_hsts_and_secure_cookies(production_env):
    seen = probe({**production_env, "LABINOV_HSTS_SECONDS": "3600"})
    assert seen["plain"] == [301, f"https://{HOST}/akun/masuk/"]
    assert seen["plain_health"] == 200, "a load balancer asks /api/v1/health over plain HTTP"
    assert seen["https"] == 200
    assert seen["hsts"] == "max-age=3600; includeSubDomains"
    assert seen["login"] == 302
    for cookie in ("csrf_cookie", "session_cookie", "language_cookie"):
        assert seen[cookie]["secure"] is True, cookie
        assert seen[cookie]["httponly"] is True, cookie
        assert seen[cookie]["samesite"] == "Lax", cookie


def test_without_the_switch_the_forwarded_proto_header_is_not_trusted(production_env):
    seen = probe({**production_env, "LABINOV_HTTPS": "false"})
    assert seen["plain"][0] == 200
    assert seen["hsts"] is None, "HSTS only when the proxy's header is trusted"
    assert seen["csrf_cookie"]["secure"] == ""


def test_the_old_secure_cookies_name_still_works_and_is_reported(production_env):
    env = {**production_env, "LABINOV_HTTPS": "", "LABINOV_SECURE_COOKIES": "true"}
    seen = probe(env)
    assert seen["session_cookie"]["secure"] is True
    assert seen["plain"][0] == 200, "the old name keeps its old meaning: cookies only"
    result = run("check", "--deploy", env=env)
    assert "labinov.W001" in result.stderr
    assert "LABINOV_HTTPS=true" in result.stderr
