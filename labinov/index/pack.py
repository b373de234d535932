"""The submission pack of an assessment: an XLSX of every innovation's fields (the
national form's order, ``innovations.documents.xlsx_columns``) and indicator levels, and a
ZIP of the evidence files named by innovation and indicator."""

import io
import re
import zipfile
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from labinov.core.spreadsheets import xlsx_row
from labinov.index.selectors import inputs, model_of, region_innovations
from labinov.innovations.documents import xlsx_columns


def _levels(rows, innovation_id, item) -> tuple:
    answer = rows.get((innovation_id, item.key))
    if answer is None:
        return 0, ""
    return answer.level, _("yes") if answer.has_evidence else _("no")


def submission_xlsx(assessment) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    model = model_of(assessment.rubric)
    _region, innovations, rows = inputs(assessment, model)
    reasons = {i.id: " ".join(i.reasons) for i in innovations}
    book = Workbook()
    sheet = book.active
    sheet.title = "Inovasi"
    columns = xlsx_columns()
    header = [str(label) for label, _get in columns] + [str(_("Not eligible"))]
    for item in model.innovation_items:
        header += [f"{item.number}. {item.name}", f"{item.number}. {_('Evidence')}"]
    sheet.append(header)
    for innovation in region_innovations(assessment.region):
        values = [get(innovation) for _label, get in columns] + [reasons.get(innovation.pk, "")]
        for item in model.innovation_items:
            values += list(_levels(rows, innovation.pk, item))
        sheet.append(xlsx_row(sheet, values))
    region_sheet = book.create_sheet("Pemerintah daerah")
    region_sheet.append([str(_("Indicator")), str(_("Level")), str(_("Evidence"))])
    for item in model.region_items:
        region_sheet.append(
            xlsx_row(region_sheet, [f"{item.number}. {item.name}", *_levels(rows, None, item)])
        )
    for page in (sheet, region_sheet):
        for cell in page[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-")[:80] or "x"


def evidence_zip(assessment) -> bytes:
    model = model_of(assessment.rubric)
    _region, innovations, rows = inputs(assessment, model)
    names = {i.id: i.name for i in innovations}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for (innovation_id, key), answer in sorted(
            rows.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])
        ):
            if not answer.evidence_file:
                continue
            item = model.item(key)
            folder = _safe(names.get(innovation_id, "")) if innovation_id else "pemerintah-daerah"
            suffix = PurePosixPath(answer.evidence_file.name).suffix
            name = f"{folder}/{item.number if item else 0:02d}-{_safe(key)}{suffix}"
            try:
                with answer.evidence_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                archive.writestr(
                    f"{name}.hilang.txt", "Berkas bukti dukung tidak ditemukan di penyimpanan.\n"
                )
    return out.getvalue()
