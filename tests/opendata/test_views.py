"""Open data pages: sitemap, Atom feed linked from every public page, downloads in the
exchange format with the region's licence, the data dictionary, withdrawing from the
page; nothing unpublished, private or personal in any of them."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from labinov.library.exchange import COLUMNS
from tests.opendata.conftest import PRIVATE, assert_nothing_private
from tests.opendata.test_api import change_public_summary


def download(client, region, fmt):
    response = client.get(f"/data-terbuka/{region.code}/inovasi.{fmt}")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_sitemap_lists_public_pages_and_published_innovations_only(
    client, people, published, unpublished
):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<urlset" in text
    locations = re.findall(r"<loc>([^<]+)</loc>", text)
    assert "http://testserver/" in locations
    assert "http://testserver/data-terbuka/" in locations
    assert f"http://testserver/inovasi/{published.pk}/" in locations
    assert f"http://testserver/inovasi/{unpublished.pk}/" not in locations
    for location in locations:
        assert client.get(location.removeprefix("http://testserver")).status_code == 200
    assert_nothing_private(text, people)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/inovasi/", "/pustaka/", "/wilayah/", "/data-terbuka/"])
def test_every_public_page_links_the_atom_feed(client, path):
    html = client.get(path).content.decode()
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" href="/data-terbuka/atom.xml"', html
    )


@pytest.mark.django_db
def test_the_atom_feed_holds_newly_published_innovations(client, people, published, unpublished):
    response = client.get("/data-terbuka/atom.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert "Akta Lahir dari Puskesmas" in text
    assert f"http://testserver/inovasi/{published.pk}/" in text
    assert "Inovasi yang baru terbit" in text
    assert_nothing_private(text, people)


@pytest.mark.django_db
def test_downloads_are_the_exchange_format_of_published_innovations(
    client, people, region, published, unpublished
):
    change_public_summary(published, '=HYPERLINK("http://x")')
    response, body = download(client, region, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'rel="license"' in response["Link"] and "by/4.0" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert list(rows[0]) == COLUMNS
    assert [r["source_id"] for r in rows] == [f"labinov-innovation-{published.pk}"]
    assert rows[0]["solution"].startswith("'=HYPERLINK")
    assert rows[0]["url"] == f"http://testserver/inovasi/{published.pk}/"
    assert_nothing_private(body.decode(), people)

    _response, body = download(client, region, "jsonl")
    records = [json.loads(line) for line in body.decode().splitlines()]
    assert [r["name"] for r in records] == ["Akta Lahir dari Puskesmas"]
    assert records[0]["solution"].startswith("=HYPERLINK")
    assert_nothing_private(body.decode(), people)

    _response, body = download(client, region, "xlsx")
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == COLUMNS and len(values) == 2
    assert values[1][COLUMNS.index("solution")].startswith("'=HYPERLINK")
    assert_nothing_private(" ".join(str(v) for row in values for v in row), people)

    assert client.get(f"/data-terbuka/{region.code}/inovasi.exe").status_code == 404


@pytest.mark.django_db
def test_a_downloaded_file_imports_into_a_knowledge_base(client, region, published, tmp_path):
    from labinov.library.exchange import read_file

    _response, body = download(client, region, "csv")
    parsed = read_file(io.BytesIO(body), "inovasi.csv")
    assert parsed.problems == [] and parsed.valid_count == 1


@pytest.mark.django_db
def test_the_region_chooses_its_licence(client, client_for, people, region, published, outsider):
    page = client.get("/data-terbuka/").content.decode()
    assert "Creative Commons Attribution 4.0" in page and "Data terbuka" in page
    assert "Kamus data" in page
    refused = client_for(outsider).post(
        f"/data-terbuka/lisensi/{region.code}/", {"licence": "CC0-1.0"}
    )
    assert refused.status_code == 403
    response, _body = download(client, region, "csv")
    assert "by/4.0" in response["Link"]

    coordinator = client_for(people["coordinator"])
    assert 'name="licence"' in coordinator.get("/data-terbuka/").content.decode()
    coordinator.post(f"/data-terbuka/lisensi/{region.code}/", {"licence": "CC0-1.0"})
    response, _body = download(client, region, "csv")
    assert "publicdomain/zero" in response["Link"]
    item = client.get("/api/v1/open/innovations").json()["items"][0]
    assert item["licence"] == "CC0-1.0"
    assert "Creative Commons Zero 1.0" in client.get("/data-terbuka/").content.decode()


@pytest.mark.django_db
def test_the_data_dictionary_names_every_column_in_indonesian(client):
    page = client.get("/data-terbuka/kamus-data/").content.decode()
    for column in COLUMNS:
        assert f"<code>{column}</code>" in page
    assert "Kamus data" in page and "Nama inovasi." in page


@pytest.mark.django_db
def test_the_coordinator_withdraws_a_published_innovation_from_its_page(
    client, client_for, people, published
):
    assert (
        client_for(people["team_member"]).get(f"/data-terbuka/tarik/{published.pk}/").status_code
        == 403
    )
    coordinator = client_for(people["coordinator"])
    listing = coordinator.get("/data-terbuka/terbit/").content.decode()
    assert "Akta Lahir dari Puskesmas" in listing and "Tarik" in listing
    empty = coordinator.post(f"/data-terbuka/tarik/{published.pk}/", {"reason": ""})
    assert empty.status_code == 200
    done = coordinator.post(f"/data-terbuka/tarik/{published.pk}/", {"reason": "Belum sah"})
    assert done.status_code == 302
    assert client.get(f"/inovasi/{published.pk}/").status_code == 404
    assert "Akta Lahir" not in client.get("/sitemap.xml").content.decode()
    assert "Akta Lahir" not in client.get("/data-terbuka/atom.xml").content.decode()
    assert client.get("/data-terbuka/").content.decode().count("inovasi.csv") == 0


@pytest.mark.django_db
def test_public_pages_show_nothing_private(client, people, published, unpublished):
    for path in ("/", "/inovasi/", f"/inovasi/{published.pk}/", "/pustaka/?q=akta",
                 "/data-terbuka/", "/data-terbuka/kamus-data/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert PRIVATE["unpublished"] not in text, path
        for key in ("evidence", "evidence_link", "comment", "risk", "aims"):
            assert PRIVATE[key] not in text, (path, key)
