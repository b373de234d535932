"""Properties of the exchange format, over generated data (hypothesis):

- a record exported to CSV, XLSX or JSON Lines reads back as the same record, whatever
  its text (leading = + - @ or apostrophes, quotes, line breaks, any script);
- whatever bytes or rows the parsers are fed, they answer rows or an ExchangeError,
  never another exception (which would be a 500 or a traceback on the command line).

Example counts are kept small so that the suite stays fast."""

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from labinov.library.exchange import COLUMNS, ExchangeError, iter_rows, read_file, write_file
from labinov.library.models import LibraryEntry
from labinov.library.sectors import SECTORS

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text a person may type: any character but control ones (XML, so XLSX, cannot hold most
#: of them), surrogates and unassigned code points; line breaks and the characters that
#: start formulas are drawn often.
_char = st.one_of(
    st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")),
    st.sampled_from(list("=+-@'\"\n,;")),
)
_text = st.text(_char, max_size=40).map(str.strip)
_formula_like = st.tuples(st.sampled_from(["", "'", "''"]), st.sampled_from(list("=+-@")), _text)
_stored_text = st.one_of(_text, _formula_like.map("".join)).map(str.strip)
_required = _stored_text.filter(bool)
_url = st.one_of(
    st.just(""),
    st.from_regex(r"https?://[a-z]{1,10}\.example/[a-z0-9/]{0,10}", fullmatch=True),
)


@st.composite
def records(draw):
    count = draw(st.integers(min_value=1, max_value=4))
    out = []
    for n in range(count):
        record = {c: draw(_stored_text) for c in COLUMNS}
        record |= {
            "source_id": f"{n}-{draw(_required)}",
            "name": draw(_required),
            "region": draw(_required),
            "year": draw(st.none() | st.integers(min_value=1900, max_value=2100)),
            "digital": draw(st.none() | st.booleans()),
            "form": draw(st.sampled_from(["", *LibraryEntry.Form.values])),
            "stage": draw(st.sampled_from(["", *LibraryEntry.Stage.values])),
            # A sector is kept as its key (library/sectors.py), which reads back the same.
            "sector": draw(st.sampled_from(["", *SECTORS])),
            "url": draw(_url),
        }
        out.append(record)
    return out


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
@EXAMPLES
@given(data=records())
def test_export_then_import_gives_the_same_records(tmp_path, suffix, data):
    path = tmp_path / f"ekspor{suffix}"
    assert write_file(data, path) == len(data)
    with path.open("rb") as stream:
        parsed = read_file(stream, path.name)
    assert parsed.problems == []
    assert [r for _n, r in parsed.rows] == data


def _consume(content: bytes, name: str) -> None:
    try:
        for _row in iter_rows(io.BytesIO(content), name):
            pass
    except ExchangeError:
        pass


@pytest.mark.parametrize("name", ["a.csv", "a.jsonl", "a.xlsx"])
@EXAMPLES
@given(content=st.binary(max_size=2000))
def test_arbitrary_bytes_raise_nothing_but_exchange_error(name, content):
    _consume(content, name)


@EXAMPLES
@given(lines=st.lists(st.text(max_size=80), max_size=6))
def test_arbitrary_text_lines_raise_nothing_but_exchange_error(lines):
    text = "\n".join(lines)
    _consume(text.encode("utf-8", "surrogatepass"), "a.csv")
    _consume(("source_id,name,region\n" + text).encode("utf-8", "surrogatepass"), "a.csv")
    _consume(text.encode("utf-8", "surrogatepass"), "a.jsonl")


_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@EXAMPLES
@given(
    objects=st.lists(
        st.dictionaries(st.sampled_from([*COLUMNS, "x"]), _json_value, max_size=8), max_size=4
    )
)
def test_arbitrary_json_objects_raise_nothing_but_exchange_error(objects):
    content = "\n".join(json.dumps(o) for o in objects).encode()
    _consume(content, "a.jsonl")


_cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
)


@EXAMPLES
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "lain", ""]), min_size=1, max_size=16),
    rows=st.lists(st.lists(_cell, max_size=16), max_size=5),
)
def test_arbitrary_workbooks_raise_nothing_but_exchange_error(header, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    _consume(out.getvalue(), "a.xlsx")


@EXAMPLES
@given(
    parts=st.dictionaries(
        st.sampled_from(["xl/workbook.xml", "[Content_Types].xml", "x"]),
        st.binary(max_size=200),
        max_size=3,
    )
)
def test_arbitrary_zip_archives_raise_nothing_but_exchange_error(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    _consume(out.getvalue(), "a.xlsx")
