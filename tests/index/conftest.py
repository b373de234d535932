import copy

import pytest

from labinov.index.rubric import compile_rubric
from labinov.index.shipped import shipped_rubrics


@pytest.fixture(autouse=True)
def _shipped_rubrics(request):
    """The shipped versions, as the migration loads them (a transactional test elsewhere
    may have emptied the tables since)."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from labinov.core.system import SystemActor
        from labinov.index.shipped import ensure_shipped_rubrics

        request.getfixturevalue("db")
        ensure_shipped_rubrics(SystemActor("tests"))


@pytest.fixture(scope="session")
def shipped():
    """The shipped rubric documents by version id (fresh copies per use: ``copy.deepcopy``)."""
    return {data["rubric_id"]: data for _name, data in shipped_rubrics()}


@pytest.fixture
def doc(shipped):
    def make(version):
        return copy.deepcopy(shipped[version])

    return make


@pytest.fixture(scope="session")
def models(shipped):
    return {version: compile_rubric(data) for version, data in shipped.items()}


from tests.innovations.conftest import designing, idea, innovation  # noqa: E402,F401
from tests.lab.conftest import enrolment, programme  # noqa: E402,F401
