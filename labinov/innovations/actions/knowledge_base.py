"""Each displayed innovation enters the national knowledge base (issue 5).

The display gate publishes an innovation; in the same transaction its record is written to
the knowledge base as a local entry in the exchange format. The gate's decider (a coach)
authorised the publication, so the entry is written by the system on the gate's behalf
(``SystemActor``), not by the decider, who may not import; the entry gets its own one audit
event beside the gate's.
"""

from labinov.core.system import SystemActor
from labinov.innovations.models import Innovation
from labinov.library.actions import upsert_entry
from labinov.library.models import LibraryEntry, local_source_id
from labinov.library.sectors import sector_key
from labinov.opendata.actions import record_publication

LIBRARY_ACTOR = "innovations: display gate"


def source_id(innovation: Innovation) -> str:
    return local_source_id(innovation.pk)


def _impact(innovation: Innovation) -> str:
    lines = []
    for m in innovation.service_measures.all():
        parts = [str(m.get_measure_display())]
        if m.baseline is not None:
            parts.append(f"{m.baseline:g}")
        if m.actual is not None:
            parts.append(f"→ {m.actual:g}")
        else:
            parts.append(f"→ ({m.target:g})")
        lines.append(" ".join(parts))
    return "; ".join(lines)


def library_row(innovation: Innovation) -> dict:
    """The innovation in the exchange format of DESIGN.md (contract 4)."""
    region = innovation.enrolment.programme.region
    when = innovation.published_at or innovation.created_at
    solution = "\n\n".join(
        t for t in (innovation.public_summary, innovation.design_method) if t and t.strip()
    )
    return {
        "name": innovation.name,
        "region": region.name,
        "province": region.province,
        "year": when.year if when else None,
        "agency": innovation.enrolment.unit.name,
        "form": innovation.form,
        "digital": innovation.kind == Innovation.Kind.DIGITAL,
        "sector": sector_key(innovation.affairs),
        "stage": innovation.tahapan,
        "problem": innovation.design_problem,
        "solution": solution,
        "impact": _impact(innovation),
        "url": innovation.get_absolute_url(),
    }


def publish_to_library(innovation: Innovation):
    """Write (or refresh) the innovation's knowledge-base entry, and its row of the
    publication log that the open feed reads (``opendata``); call inside the gate's (or
    the change's) transaction so that a failed publication leaves nothing behind."""
    actor = SystemActor(LIBRARY_ACTOR)
    entry = upsert_entry(
        acting_user=actor,
        source=LibraryEntry.Source.LOCAL,
        source_id=source_id(innovation),
        **library_row(innovation),
    )
    record_publication(acting_user=actor, innovation=innovation, entry=entry)
    return entry
