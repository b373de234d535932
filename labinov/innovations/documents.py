"""Documents of innovations: a profile PDF, the "Direktori Inovasi" PDF and an XLSX export.

PDFs are drawn by WeasyPrint from templates (innovations/pdf/*.html); WeasyPrint needs
Pango from the system. Files (photos) are read through Django's storage API.
"""

import base64
import io
import mimetypes

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from labinov.core.numbers import XLSX_FORMATS
from labinov.core.spreadsheets import xlsx_row
from labinov.innovations.measures import DIMENSIONS, KINDS


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (Pango)."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango is missing from the system
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def pdf_available() -> tuple[bool, str]:
    try:
        _weasyprint()
    except PdfUnavailable as exc:
        return False, str(exc)
    return True, ""


def _data_uri(field) -> str:
    """A stored file as a data URI, so that the PDF needs no web server to find it."""
    try:
        with field.open("rb") as fh:
            content = fh.read()
    except (OSError, ValueError):
        return ""
    kind = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def _profile_context(innovation) -> dict:
    return {
        "innovation": innovation,
        "improvement": innovation.improvement,
        "milestones": list(innovation.milestones.all()),
        "photos": [
            {"src": _data_uri(p.image), "caption": p.caption} for p in innovation.photos.all()[:3]
        ],
    }


def _render(template: str, context: dict) -> bytes:
    weasyprint = _weasyprint()
    html = render_to_string(template, context)
    return weasyprint.HTML(string=html).write_pdf()


def profile_pdf(innovation) -> bytes:
    return _render(
        "innovations/pdf/profile.html",
        {"profiles": [_profile_context(innovation)], "generated": timezone.localdate()},
    )


def directory_pdf(title: str, subtitle: str, innovations) -> bytes:
    innovations = list(innovations)
    return _render(
        "innovations/pdf/directory.html",
        {
            "title": title,
            "subtitle": subtitle,
            "profiles": [_profile_context(i) for i in innovations],
            "generated": timezone.localdate(),
        },
    )


def xlsx_columns() -> list[tuple[str, callable]]:
    """The national form's fields, in its order."""
    return [
        (_("Name of the innovation"), lambda i: i.name),
        (_("Stage (tahapan)"), lambda i: i.get_tahapan_display()),
        (_("Initiator"), lambda i: i.get_initiator_display()),
        (_("Kind"), lambda i: i.get_kind_display()),
        (_("Form"), lambda i: i.get_form_display()),
        (_("Government affairs"), lambda i: i.affairs),
        (_("Trial starts"), lambda i: i.trial_date),
        (_("Implementation starts"), lambda i: i.implementation_date),
        (_("Design (rancang bangun)"), lambda i: i.design_text),
        (_("Aims"), lambda i: i.aims),
        (_("Benefits"), lambda i: i.benefits),
        (_("Results"), lambda i: i.expected_results),
        (_("Budget (Rp)"), lambda i: i.budget_amount),
        (_("Budget document"), lambda i: i.budget_file.name if i.budget_file else ""),
        (_("Business profile"), lambda i: i.business_profile.name if i.business_profile else ""),
        (_("Unit"), lambda i: i.enrolment.unit.name),
        (_("Region"), lambda i: i.enrolment.programme.region.name),
    ]


def innovations_xlsx(innovations) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Inovasi"
    columns = xlsx_columns()
    sheet.append([str(label) for label, _get in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    innovations = list(innovations)
    for innovation in innovations:
        # Text that starts like a formula stays text (core/spreadsheets.py).
        sheet.append(xlsx_row(sheet, [get(innovation) for _label, get in columns]))
    budget = [label for label, _get in columns].index(_("Budget (Rp)")) + 1
    for row in sheet.iter_rows(min_row=2, min_col=budget, max_col=budget):
        row[0].number_format = XLSX_FORMATS["rupiah"]
    _service_sheet(book, innovations)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _service_sheet(book, innovations) -> None:
    """The "Layanan" sheet: every innovation's measures and improvements, as numbers that a
    spreadsheet can add up, shown for Indonesian readers by their number formats
    ("Rp 75.000.000", "14 hari", "+37 %"; core/numbers.py XLSX_FORMATS)."""
    from openpyxl.styles import Font

    sheet = book.create_sheet("Layanan")
    header = [_("Name of the innovation"), _("Unit")]
    formats = [None, None]
    for kind in KINDS.values():
        fmt = {"rupiah": "rupiah", "days": "days", "score": "decimal"}.get(kind.unit, "count")
        for which in (_("Baseline"), _("Target"), _("Actual")):
            header.append(f"{kind.label}: {which}")
            formats.append(fmt)
        header.append(f"{kind.label}: {_('Improvement')} (%)")
        formats.append("percent")
    for label in DIMENSIONS.values():
        header.append(f"{label} (%)")
        formats.append("percent")
    header += [
        _("Transactions per year"),
        _("Hours a citizen spends on one visit"),
        _("Rupiah saved by citizens per year"),
        _("Formula"),
        _("Citizen-hours saved per year"),
        _("Formula"),
    ]
    formats += ["count", "decimal", "rupiah", None, "hours", None]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for innovation in innovations:
        imp = innovation.improvement
        rows = {r.measure: r for r in imp.rows}
        values = [innovation.name, innovation.enrolment.unit.name]
        for key in KINDS:
            r = rows.get(key)
            if r is None:
                values += [None] * 4
                continue
            values += [r.values.baseline, r.values.target, r.values.actual, r.achieved.percent]
        values += [getattr(imp, d).percent for d in DIMENSIONS]
        values += [
            imp.transactions_per_year,
            imp.hours_per_visit,
            imp.rupiah_per_year.value,
            imp.rupiah_per_year.formula or imp.rupiah_per_year.missing,
            imp.hours_per_year.value,
            imp.hours_per_year.formula or imp.hours_per_year.missing,
        ]
        sheet.append(xlsx_row(sheet, values))
        for cell, fmt in zip(sheet[sheet.max_row], formats, strict=True):
            if fmt and cell.value is not None:
                cell.number_format = XLSX_FORMATS[fmt]
