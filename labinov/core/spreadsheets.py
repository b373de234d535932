"""Cells written for spreadsheets, made inert: text that a spreadsheet would take as a
formula (it starts with = + - @, a tab or a carriage return) is written with a leading
apostrophe, and in XLSX always as a text cell, so that opening an export never runs
``=HYPERLINK(...)`` or ``=cmd|...`` that someone typed into a form or an import (OWASP,
"CSV injection"). Numbers, dates and booleans stay what they are.

Every CSV and XLSX export goes through ``neutralise`` (``csv_row``/``xlsx_row``). The
knowledge-base import takes the apostrophe off again (``restore``), so that an exported
file imports back to the same text; the rule is exact both ways:

- export: text matching ``'*[=+\\-@\\t\\r]`` (any apostrophes, then one of those) gets one
  more apostrophe in front;
- import (CSV and XLSX only): text matching ``'+[=+\\-@\\t\\r]`` loses one.
"""

import re

FORMULA_START = "=+-@\t\r"
_EXPORTED_AS_TEXT = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
#: Characters that XML 1.0, and so an XLSX file, cannot hold (openpyxl refuses them).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(value):
    """The value as a spreadsheet cell should hold it; anything but text unchanged."""
    if isinstance(value, str) and _EXPORTED_AS_TEXT.match(value):
        return "'" + value
    return value


def restore(value):
    """The text a neutralised cell stood for (the inverse of ``neutralise``)."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def csv_row(values) -> list:
    return [neutralise(v) for v in values]


def xlsx_row(sheet, values) -> list:
    """Cells for ``sheet.append(...)`` (normal or write-only sheets): text is a text cell
    (data type "s"), never a formula, whatever it starts with."""
    from openpyxl.cell.cell import Cell

    row = []
    for value in values:
        if isinstance(value, str):
            cell = Cell(sheet, row=1, column=1, value=neutralise(_NOT_IN_XML.sub("", value)))
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row
