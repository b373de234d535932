"""The Content-Security-Policy and the other security headers on every kind of response,
and templates that keep to the policy (no inline script, handler or style attribute)."""

import re
from pathlib import Path

import pytest

from labinov.accounts.actions import create_api_token

PACKAGE = Path(__file__).resolve().parents[2] / "labinov"

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_security_headers(response):
    assert policy_of(response) == POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/pustaka/?q=antrean", "/akun/masuk/", "/wilayah/", "/no-such-page/"]
)
def test_pages_carry_the_policy(client, region, path):
    response = client.get(path)
    assert_security_headers(response)
    if response.status_code == 200:
        assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_of_a_logged_in_person_and_htmx_partials_carry_the_policy(client_for, people):
    client = client_for(people["coordinator"])
    for path in ("/akun/", "/lab/", "/inovasi/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)
    partial = client.get("/pustaka/?q=antrean", headers={"HX-Request": "true"})
    assert_security_headers(partial)


@pytest.mark.django_db
def test_the_api_carries_the_policy(client, people):
    assert_security_headers(client.get("/api/v1/health"))
    assert_security_headers(client.get("/api/v1/regions"))
    assert_security_headers(client.get("/api/v1/no-such-thing"))
    _token, raw = create_api_token(acting_user=people["coordinator"], name="csp")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_pages_load_htmx_without_eval_inline_script_or_indicator_style(client, region):
    html = client.get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config, "htmx would inject an inline <style> and may eval attribute text"
    assert '"allowEval": false' in config.group(1)
    assert '"allowScriptTags": false' in config.group(1)
    assert '"includeIndicatorStyles": false' in config.group(1)


def browser_templates():
    for path in sorted(PACKAGE.glob("*/templates/**/*.html")):
        if "/pdf/" not in path.as_posix():  # drawn by WeasyPrint, never sent to a browser
            yield path


def test_no_template_holds_inline_script_handlers_or_style_attributes():
    offences = []
    for path in browser_templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",  # inline script
            r"\son[a-z]+\s*=",  # onclick="..." and the like
            r"\shx-on[:-]",  # htmx handlers run through eval
            r"\shx-vars\s*=|\shx-vals\s*=\s*['\"]\s*js:",  # htmx expressions run through eval
            r"\sstyle\s*=",  # refused by style-src 'self'
            r"<style[\s>]",
            r"javascript:",
        ):
            offences += [
                f"{path.relative_to(PACKAGE)}: {m.group(0)}" for m in re.finditer(pattern, text)
            ]
    assert not offences, offences
