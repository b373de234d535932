"""One filter declaration per list: every filter of every FilterSet is read by its page
(under the page's name) and by its API (under the API's name), and a value neither can use
answers a message on the page and 422 on the API, never 500."""

import importlib
import pkgutil

import pytest

import labinov
from labinov.core.filters import IntegerFilter, ListFilterSet, YesNoFilter
from labinov.innovations.filtersets import InnovationFilterSet
from labinov.lab.filtersets import ProgrammeFilterSet
from labinov.library.filtersets import LibraryFilterSet
from labinov.portal.filtersets import GalleryFilterSet
from tests.innovations.conftest import designing, idea, innovation  # noqa: F401
from tests.lab.conftest import enrolment, programme  # noqa: F401
from tests.library.conftest import library  # noqa: F401

#: Each list: its FilterSet, its page (with what else the page needs) and its API path.
LISTS = {
    InnovationFilterSet: ("/inovasi/?", "/api/v1/innovations"),
    LibraryFilterSet: ("/pustaka/?q=akta&", "/api/v1/library/search?q=akta&"),
    ProgrammeFilterSet: ("/lab/?", "/api/v1/programmes"),
    # The public gallery of region 99.01 (the ``region`` fixture, which every case asks).
    GalleryFilterSet: ("/publik/99.01/galeri/?", "/api/v1/portal/gallery?region=99.01&"),
}


def _all_filtersets():
    for module in pkgutil.walk_packages(labinov.__path__, "labinov."):
        if module.name.endswith(".filtersets"):
            importlib.import_module(module.name)
    found, todo = set(), list(ListFilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_filterset_is_walked_by_these_tests():
    assert _all_filtersets() == set(LISTS)


def _bad_value(filter_):
    if isinstance(filter_, IntegerFilter | YesNoFilter):
        return "bukan-angka"
    if filter_.extra.get("choices"):
        return "tidak_ada"
    return "x" * (filter_.extra["max_length"] + 1)


CASES = [(cls, name, f) for cls in LISTS for name, f in sorted(cls.base_filters.items())]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cls", "name", "filter_"), CASES, ids=[f"{c.__name__}.{n}" for c, n, _f in CASES]
)
def test_a_filter_is_on_the_page_and_the_api_and_refuses_a_bad_value(
    client, region, cls, name, filter_
):
    page, api = LISTS[cls]
    path = api.split("?")[0]
    operation = client.get("/api/v1/openapi.json").json()["paths"][path]["get"]
    assert name in {p["name"] for p in operation["parameters"]}

    bad = _bad_value(filter_)
    response = client.get(f"{page}{cls.page_name(name)}={bad}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="filter-errors"' in html
    label = str(cls.base_filters[name].label)
    assert f"{label[0].upper()}{label[1:]}:" in html

    sep = "&" if "?" in api else "?"
    response = client.get(f"{api}{sep}{name}={bad}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and name in {e["field"] for e in body["errors"]}


def test_page_names_are_distinct_within_a_list():
    for cls in LISTS:
        names = [cls.page_name(n) for n in cls.base_filters]
        assert len(names) == len(set(names)), cls


# Each list, the same filter through the page and the API ---------------------------------


@pytest.mark.django_db
def test_innovations_filter_alike_on_the_page_and_the_api(client_for, people, innovation):  # noqa: F811
    from labinov.lab.stages import Subject, keys_of

    design, deliver = keys_of(Subject.INNOVATION)[:2]
    client = client_for(people["coordinator"])
    for stage, expected in ((design, 1), (deliver, 0)):
        html = client.get(f"/inovasi/?tahap={stage}&wilayah={innovation.region.code}")
        assert f"{expected} inovasi" in html.content.decode()
        api = client.get(f"/api/v1/innovations?stage={stage}&region={innovation.region.code}")
        assert api.json()["count"] == expected
    html = client.get("/inovasi/?tahap=bukan_tahap").content.decode()
    assert "Tahap: Masukkan pilihan yang valid" in html and "0 inovasi" in html


@pytest.mark.django_db
def test_the_dashboard_figure_is_a_filter_of_the_page_and_the_api(client_for, people, innovation):  # noqa: F811
    client = client_for(people["coordinator"])
    html = client.get("/inovasi/?angka=terbit").content.decode()
    assert "0 inovasi" in html and 'id="figure"' in html
    assert client.get("/api/v1/innovations?figure=terbit").json()["count"] == 0
    assert client.get("/api/v1/innovations").json()["count"] == 1


def test_the_knowledge_base_filters_alike_on_the_page_and_the_api(client, library):  # noqa: F811
    from labinov.library.search.engine import FILTERS

    assert tuple(LibraryFilterSet.base_filters) == FILTERS
    html = client.get("/pustaka/", {"q": "akta", "province": "Jawa Timur"}).content.decode()
    body = client.get("/api/v1/library/search", {"q": "akta", "province": "Jawa Timur"}).json()
    assert body["count"] and all(item["province"] == "Jawa Timur" for item in body["items"])
    assert f"{body['count']} inovasi ditemukan" in html
    digital = client.get("/api/v1/library", {"digital": "true", "limit": 1000}).json()
    assert digital["count"] and all(item["digital"] for item in digital["items"])
    html = client.get("/pustaka/", {"q": "akta", "digital": "mungkin"}).content.decode()
    assert "Digital: Masukkan pilihan yang valid" in html and "inovasi ditemukan" not in html
    response = client.get("/api/v1/library/search", {"q": "akta", "year": "dua ribu"})
    assert response.status_code == 422


@pytest.mark.django_db
def test_programmes_filter_alike_on_the_page_and_the_api(client, region, other_region):
    from tests.factories import programme_with_plan

    programme_with_plan(region=region, title="Lab A 2026", year=2026, is_public=True)
    programme_with_plan(region=region, title="Lab A 2027", year=2027, is_public=True)
    programme_with_plan(region=other_region, title="Lab B 2027", year=2027, is_public=True)
    html = client.get(f"/lab/?wilayah={region.code}&tahun=2027").content.decode()
    assert "Lab A 2027" in html and "Lab A 2026" not in html and "Lab B 2027" not in html
    body = client.get(f"/api/v1/programmes?region={region.code}&year=2027").json()
    assert [item["name"] for item in body["items"]] == ["Lab A 2027"]
    html = client.get("/lab/?tahun=dua-ribu").content.decode()
    assert "Tahun:" in html and "Lab A 2027" not in html
