"""The knowledge-base exchange format (DESIGN.md contract 4): reading CSV, XLSX and JSON
Lines into validated rows, and writing them back. Reading never touches the database.

Row numbers are what a person sees in the file: in CSV and XLSX the header is row 1, so
the first record is row 2; in JSON Lines the first line is row 1.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from labinov.core.links import is_safe_link
from labinov.core.spreadsheets import csv_row, restore, xlsx_row
from labinov.library.models import LibraryEntry
from labinov.library.sectors import sector_key

COLUMNS = [
    "source_id",
    "name",
    "region",
    "province",
    "year",
    "agency",
    "form",
    "digital",
    "sector",
    "stage",
    "problem",
    "solution",
    "impact",
    "url",
]
REQUIRED = ("source_id", "name", "region")
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
MAX_LENGTHS = {
    f.name: f.max_length
    for f in LibraryEntry._meta.get_fields()
    if f.name in COLUMNS and getattr(f, "max_length", None)
}
TRUE = {"true", "ya", "yes", "1", "benar"}
FALSE = {"false", "tidak", "no", "0", "salah"}
CHOICES = {"form": LibraryEntry.Form.values, "stage": LibraryEntry.Stage.values}
#: Bounds on what reading a file may cost, whatever its size on disk. An XLSX file is a
#: ZIP archive: its parts are checked before anything is unpacked (``check_archive``).
MAX_LINE_CHARS = 4_000_000  # one line of CSV or JSON Lines
MAX_COLUMNS = 100  # a header has 14 columns, a few more are ignored
XLSX_MAX_PARTS = 200
XLSX_MAX_UNPACKED = 2 << 30  # all parts together, bytes (the sheet is read as a stream)
XLSX_MAX_SHARED_STRINGS = 256 << 20  # held in memory whole by openpyxl
XLSX_MAX_RATIO = 200  # unpacked/packed of a part above 1 MB: text compresses ~5-20x
_TEXT_COLUMNS = [
    (
        column,
        column in REQUIRED,
        frozenset(CHOICES.get(column, ())),
        ", ".join(CHOICES.get(column, ())),
        MAX_LENGTHS.get(column),
    )
    for column in COLUMNS
    if column not in ("year", "digital")
]


class ExchangeError(Exception):
    """The file as a whole cannot be read (unknown format, not UTF-8, no header...)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str

    def __str__(self):
        return _("row %(row)s, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column or "-",
            "reason": self.reason,
        }

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    valid_count: int = 0
    #: Whether ``rows`` holds every valid row (see ``read_file(keep_rows=...)``).
    rows_complete: bool = True

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


def file_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise ExchangeError(
            _("Unknown file type %(suffix)s: use .csv, .xlsx or .jsonl.") % {"suffix": suffix}
        )
    return FORMATS[suffix]


def _raw_rows(stream, fmt: str) -> Iterator[tuple[int, dict | None]]:
    """(row number, record) pairs; record None for a line that is not a JSON object."""
    if fmt == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        reader = csv.reader(_lines(text))
        header = next(reader, None)
        if not header:
            raise ExchangeError(_("The file is empty: the first row must name the columns."))
        header = [h.strip().lower() for h in header]
        _check_header(header)
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            # Only a value starting with an apostrophe can be a neutralised formula.
            if any(v[:1] == "'" for v in values):
                values = map(restore, values)
            yield number, dict(zip(header, values, strict=False))
    elif fmt == "xlsx":
        yield from _xlsx_rows(stream)
    else:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig")
        for number, line in enumerate(_lines(text), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, a number too long, nested deep
                record = None
            yield number, record if isinstance(record, dict) else None


def _lines(text) -> Iterator[str]:
    """The lines of a text, refusing one so long that holding it would cost more memory
    than any record needs (a file with no line break at all, say)."""
    while line := text.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise ExchangeError(
                _("A line of the file is longer than %(n)s characters: is this the right file?")
                % {"n": f"{MAX_LINE_CHARS:,}".replace(",", ".")}
            )
        yield line


def check_archive(stream) -> None:
    """Refuse an XLSX file whose parts would unpack to more than reading may cost (a "ZIP
    bomb": a small file of repeated text that expands to gigabytes), before anything is
    unpacked. Only the archive's directory is read; the stream is left at its start.
    (ZipFile stops at a part's declared size, so the sizes checked here hold.)"""
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExchangeError(
            _("The file is not an XLSX workbook that can be read: save it again as .xlsx.")
        ) from exc
    finally:
        stream.seek(0)
    unpacked = sum(p.file_size for p in parts)
    bomb = (
        len(parts) > XLSX_MAX_PARTS
        or unpacked > XLSX_MAX_UNPACKED
        or any(
            p.file_size > (1 << 20) and p.file_size > XLSX_MAX_RATIO * max(p.compress_size, 1)
            for p in parts
        )
        or any(
            p.filename.lower().endswith("sharedstrings.xml")
            and p.file_size > XLSX_MAX_SHARED_STRINGS
            for p in parts
        )
    )
    if bomb:
        packed = stream.seek(0, io.SEEK_END) or 1
        stream.seek(0)
        raise ExchangeError(
            _(
                "The XLSX file unpacks to %(mb)s MB, %(ratio)s times its size: too much to "
                "read safely. Split it into smaller files or save it as CSV."
            )
            % {
                "mb": f"{unpacked / (1 << 20):,.0f}".replace(",", "."),
                "ratio": f"{unpacked / packed:,.0f}".replace(",", "."),
            }
        )


def _xlsx_rows(stream) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    check_archive(stream)
    unreadable = _("The file is not an XLSX workbook that can be read: save it again as .xlsx.")
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ExchangeError(unreadable) from exc
    number = 1
    try:
        rows = book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(rows, None)
        if not header:
            raise ExchangeError(_("The file is empty: the first row must name the columns."))
        header = [str(h or "").strip().lower() for h in header]
        _check_header(header)
        for number, values in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield number, dict(zip(header, map(restore, values), strict=False))
    except ExchangeError:
        raise
    except Exception as exc:
        raise ExchangeError(
            _("Row %(row)s of the workbook cannot be read: %(error)s")
            % {"row": number + 1 if number > 1 else 1, "error": exc}
        ) from exc
    finally:
        book.close()


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ExchangeError(
            _("Row 1 lacks the required column(s) %(columns)s.") % {"columns": ", ".join(missing)}
        )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _bad_links(text: str) -> list[str]:
    """The links of a ``url`` value (several are split by ; or line breaks, as
    ``LibraryEntry.urls`` shows them) that are not http(s): a ``javascript:`` link would
    run in the page of whoever clicks it."""
    parts = (u.strip() for u in text.replace("\n", ";").split(";"))
    return [u for u in parts if u and not is_safe_link(u)]


def clean_row(number: int, raw: dict) -> tuple[dict, list[Problem]]:
    """One record as the model takes it, and what is wrong with it (all of it)."""
    problems: list[Problem] = []
    row: dict = {}
    text = _text(raw.get("year"))
    if text == "":
        row["year"] = None
    elif text.isdigit() and 1900 <= int(text) <= 2100:
        row["year"] = int(text)
    else:
        problems.append(
            Problem(number, "year", _("a year is four digits, e.g. 2021, not %(v)r") % {"v": text})
        )
    value = raw.get("digital")
    if isinstance(value, bool):
        row["digital"] = value
    else:
        text = _text(value).lower()
        if text == "":
            row["digital"] = None
        elif text in TRUE:
            row["digital"] = True
        elif text in FALSE:
            row["digital"] = False
        else:
            problems.append(
                Problem(number, "digital", _("write true or false, not %(v)r") % {"v": text})
            )
    for column, required, choices, choice_list, max_length in _TEXT_COLUMNS:
        value = raw.get(column)
        text = value.strip() if type(value) is str else _text(value)
        if not text:
            if required:
                problems.append(Problem(number, column, _("required, but empty")))
        elif choices and text not in choices:
            problems.append(
                Problem(
                    number,
                    column,
                    _("%(v)r is not one of %(choices)s") % {"v": text, "choices": choice_list},
                )
            )
        elif max_length and len(text) > max_length:
            problems.append(
                Problem(number, column, _("longer than %(n)s characters") % {"n": max_length})
            )
        elif "\x00" in text:  # PostgreSQL stores no NUL in text; SQLite would, unseen
            problems.append(
                Problem(
                    number, column, _("contains a NUL character (0x00), which a text may not hold")
                )
            )
        elif column == "url" and (bad := _bad_links(text)):
            problems.append(
                Problem(
                    number,
                    column,
                    _("%(v)r is not a link: links start with http:// or https://")
                    % {"v": bad[0][:100]},
                )
            )
        row[column] = sector_key(text) if column == "sector" else text
    if len(problems) > 1:
        problems.sort(key=lambda p: COLUMNS.index(p.column))
    return row, problems


def iter_rows(stream, name: str) -> Iterator[tuple[int, dict, list[Problem]]]:
    """Every row of the file with its number, as the model takes it, and its problems."""
    fmt = file_format(name)
    seen: dict[str, int] = {}
    try:
        for number, raw in _raw_rows(stream, fmt):
            if raw is None:
                yield number, {}, [Problem(number, "", _("not a JSON object"))]
                continue
            row, problems = clean_row(number, raw)
            sid = row.get("source_id")
            if sid and sid in seen:
                problems.append(
                    Problem(
                        number,
                        "source_id",
                        _("%(id)r already appears on row %(row)s") % {"id": sid, "row": seen[sid]},
                    )
                )
            elif sid:
                seen[sid] = number
            yield number, row, problems
    except UnicodeDecodeError as exc:
        raise ExchangeError(_("The file is not UTF-8 text: save it as UTF-8.")) from exc
    except ExchangeError:
        raise
    except (csv.Error, OSError, ValueError, KeyError) as exc:
        raise ExchangeError(_("The file cannot be read: %(error)s") % {"error": exc}) from exc


def read_file(
    stream,
    name: str,
    *,
    progress: Callable[[int], None] | None = None,
    keep_rows: bool | int = True,
) -> ParsedFile:
    """Read and validate every row; ``progress(rows_read)`` is called now and then.

    ``keep_rows``: True keeps every valid row; False keeps only the problems and the count
    of valid rows (a first pass over a large file); a number keeps the rows while there
    are no more than that many, and none beyond (``rows_complete`` says which)."""
    parsed = ParsedFile()
    limit = None if keep_rows is True else int(keep_rows)
    count = 0
    for count, (number, row, problems) in enumerate(iter_rows(stream, name), start=1):
        if progress and count % 5000 == 0:
            progress(count)
        if problems:
            parsed.problems.extend(problems)
            continue
        parsed.valid_count += 1
        if parsed.rows_complete:
            if limit is not None and parsed.valid_count > limit:
                parsed.rows, parsed.rows_complete = [], False
            else:
                parsed.rows.append((number, row))
    if progress:
        progress(count)
    return parsed


def estimate_rows(stream, name: str) -> int:
    """Records in a CSV or JSON Lines file, counted by line ends (a record with a line break
    inside a field counts twice: for progress bars only); 0 for XLSX. The stream is left
    at its start."""
    fmt = file_format(name)
    if fmt == "xlsx":
        return 0
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    stream.seek(0)
    return max(lines - (1 if fmt == "csv" else 0), 0)


def export_value(entry: dict, column: str):
    value = entry.get(column)
    return "" if value is None else value


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_file(records: Iterable[dict], path: Path) -> int:
    """Write records (dicts with the exchange columns) in the format of the file's suffix.
    CSV and XLSX cells that a spreadsheet would run as formulas are neutralised
    (``core/spreadsheets.py``); reading the file back gives the same text."""
    fmt = file_format(path.name)
    count = 0
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for record in records:
                writer.writerow(csv_row(_cell(record.get(c)) for c in COLUMNS))
                count += 1
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("inovasi")
        sheet.append(COLUMNS)
        for record in records:
            sheet.append(xlsx_row(sheet, [record.get(c) for c in COLUMNS]))
            count += 1
        book.save(path)
    else:
        with path.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps({c: record.get(c) for c in COLUMNS}, ensure_ascii=False))
                out.write("\n")
                count += 1
    return count
