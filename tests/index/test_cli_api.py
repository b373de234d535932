"""`labinov score` and GET /api/v1/regions/{code}/index give the same figures (contract 9)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labinov.accounts.models import User

pytestmark = pytest.mark.django_db

HEADLINE = ("region", "year", "rubric", "index", "category", "aspects", "total", "divisor")


def score(*args):
    out = StringIO()
    call_command("score", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    call_command("demo", stdout=StringIO())


def test_cli_and_api_agree_on_the_demo(demo, client, client_for):
    for args, query in (
        ((), ""),
        (("--year", "2023"), "?year=2023"),
        (("--year", "2023", "--rubric", "IID-2026"), "?year=2023&rubric=IID-2026"),
    ):
        cli = json.loads(score("33.03", "--json", *args))
        api = client.get(f"/api/v1/regions/33.03/index{query}").json()
        assert {k: cli[k] for k in HEADLINE} == {k: api[k] for k in HEADLINE}
        assert 0 <= cli["index"] <= 100 and cli["category"]
    cli = json.loads(score("33.03", "--json"))
    assert (cli["year"], cli["rubric"]) == (2026, "IID-2026")  # the latest assessment
    assert cli["is_demo"] is True
    # The coordinator's API answer also holds what is missing, the same as the CLI's.
    coordinator = client_for(User.objects.get(username="demo-koordinator"))
    detail = coordinator.get("/api/v1/regions/33.03/index").json()
    assert detail["missing"] == [{k: m[k] for k in detail["missing"][0]} for m in cli["missing"]]
    assert detail["ineligible"] and all(i["reasons"] for i in detail["ineligible"])


def test_the_demo_assessment_is_honest(demo):
    cli = json.loads(score("33.03", "--json", "--year", "2023"))
    # Every demo innovation counts in 2023 (its edition sets no implementation window and
    # each design passed its gate's word count); under IID-2026 they were implemented in
    # 2022 or not yet, outside the window, and are listed with that reason.
    from labinov.innovations.models import Innovation

    assert cli["eligible"] == Innovation.objects.filter(is_demo=True).count() == 20
    later = json.loads(score("33.03", "--json", "--year", "2026"))
    assert later["eligible"] == 0
    assert all("2024-01-01" in " ".join(i["reasons"]) for i in later["ineligible"])
    text = score("33.03", "--year", "2023")
    assert "[demo]" in text and "Kabupaten Purbalingga" in text


def test_unknown_region_or_year_is_refused(demo, client):
    with pytest.raises(CommandError, match=r"99\.99"):
        score("99.99", "--json")
    with pytest.raises(CommandError, match="2019"):
        score("33.03", "--year", "2019")
    with pytest.raises(CommandError, match="IID-1999"):
        score("33.03", "--rubric", "IID-1999")
    for url in ("/api/v1/regions/99.99/index", "/api/v1/regions/33.03/index?year=2019"):
        response = client.get(url)
        assert response.status_code == 404
        assert set(response.json()) == {"message", "code", "errors"}


def test_a_region_without_assessment_is_refused(region, client):
    with pytest.raises(CommandError, match=r"penilaian indeks|index assessment"):
        score(region.code)
    assert client.get(f"/api/v1/regions/{region.code}/index").status_code == 404


def test_the_console_script_exits_non_zero_for_an_unknown_region(cli_env):
    from tests.cli import run

    run("migrate", "--noinput", env=cli_env, timeout=300)
    result = run("score", "99.99", "--json", env=cli_env, check=False)
    assert result.returncode != 0
    assert "99.99" in result.stderr
