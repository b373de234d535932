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

from labinov.core.spreadsheets import xlsx_row


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
        "measures": list(innovation.service_measures.all()),
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
    for innovation in innovations:
        # Text that starts like a formula stays text (core/spreadsheets.py).
        sheet.append(xlsx_row(sheet, [get(innovation) for _label, get in columns]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
