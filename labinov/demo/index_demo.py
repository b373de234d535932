"""The demo region's innovation-index assessments (IID-2023 for 2023, IID-2026 for 2026),
made through the same actions a coordinator uses.

Every answer is a demo answer: the levels of the regional-government indicators are made up
(Purbalingga's real figures are not known to the demo) and say so; their evidence is one
demo PDF that says it is not evidence. The innovations' levels that Labinov's records
answer (team size, budget, months to implementation) are filled from the demo records and
marked as demo; no evidence is invented for them, so they score 0 until a coordinator
attaches it, and "what is missing" says so. Under IID-2026 the demo innovations fall
outside the implementation window and are listed as not eligible, as they would be.
"""

from django.core.files.base import ContentFile

from labinov.accounts.models import User
from labinov.index import actions
from labinov.index.models import Answer, Assessment, Rubric
from labinov.index.selectors import model_of, region_innovations
from labinov.index.shipped import ensure_shipped_rubrics

DEMO = "[Contoh demo]"
#: (year, rubric version) of the demo's assessments.
EDITIONS = ((2023, "IID-2023"), (2026, "IID-2026"))
NOTE = f"{DEMO} Level contoh untuk demo, bukan data resmi Kabupaten Purbalingga."


def demo_evidence() -> ContentFile:
    """A one-page PDF that says it is a demo document, not evidence."""
    text = b"(Contoh demo - dokumen ini BUKAN bukti dukung resmi.)"
    stream = b"BT /F1 14 Tf 40 780 Td " + text + b" Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>stream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    body += (
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return ContentFile(body, name="contoh-demo-bukan-bukti.pdf")


def _demo_level(number: int, year: int, top: int) -> int:
    """A made-up level, different per indicator and a little better the later year."""
    return min(top, 1 + (number + year // 3) % top)


def load_index_demo(*, region, system) -> list[Assessment]:
    ensure_shipped_rubrics(system)
    coordinator = User.objects.get(username="demo-koordinator")
    made = []
    for year, version in EDITIONS:
        rubric = Rubric.objects.filter(version=version).first()
        if rubric is None or Assessment.objects.filter(region=region, year=year).exists():
            continue
        assessment = actions.start_assessment(
            acting_user=coordinator, region=region, year=year, rubric=rubric, is_demo=True
        )
        model = model_of(rubric)
        for item in model.region_items:
            with_evidence = item.number % 4 != 0
            actions.set_answer(
                acting_user=coordinator,
                assessment=assessment,
                item_key=item.key,
                level=_demo_level(item.number, year, item.top),
                evidence_file=demo_evidence() if with_evidence else None,
                evidence_note=f"{DEMO} Dokumen contoh, bukan bukti resmi." if with_evidence else "",
                source=Answer.Source.DEMO,
                source_note=NOTE,
            )
        actions.fill_from_labinov(acting_user=coordinator, assessment=assessment, is_demo=True)
        for innovation in region_innovations(region):
            for item in model.innovation_items:
                if item.derive or item.number % 3 == 0:
                    continue
                actions.set_answer(
                    acting_user=coordinator,
                    assessment=assessment,
                    innovation=innovation,
                    item_key=item.key,
                    level=_demo_level(item.number, year, item.top),
                    evidence_file=demo_evidence(),
                    evidence_note=f"{DEMO} Dokumen contoh, bukan bukti resmi.",
                    source=Answer.Source.DEMO,
                    source_note=NOTE,
                )
        made.append(assessment)
    return made
