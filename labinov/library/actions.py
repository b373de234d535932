"""The only writers of the knowledge base. An import is one action, one transaction and
one audit event however many rows it holds; rows are written in bulk (upsert by source and
source_id) together with their search terms, term counts and statistics."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts.access import REGION_MANAGERS, get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.library.exchange import COLUMNS, clean_row
from labinov.library.models import LibraryEntry, LibraryStats, Replication
from labinov.library.search import index

AUDIT_ACTIONS = {
    "library.import": gettext_lazy("Knowledge base imported"),
    "library.entry_added": gettext_lazy("Knowledge base entry added"),
    "library.entry_updated": gettext_lazy("Knowledge base entry updated"),
    "library.replicated": gettext_lazy("Innovation replicated from the knowledge base"),
}

BATCH = 2000
_INSERT_FIELDS = ["source", *COLUMNS, "index_name", "index_main", "index_rest"]
_UPDATE_FIELDS = [f for f in _INSERT_FIELDS if f not in ("source", "source_id")]


def _UPSERT_SQL() -> str:
    q = connection.ops.quote_name
    columns = [*_INSERT_FIELDS, "created_at", "updated_at", "replication_count"]
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in [*_UPDATE_FIELDS, "updated_at"])
    return (
        f"INSERT INTO {q(LibraryEntry._meta.db_table)} ({', '.join(q(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({q('source')}, {q('source_id')}) DO UPDATE SET {updates}"
    )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated


def may_import(user) -> bool:
    """Platform administrators and region coordinators feed the national knowledge base."""
    access = get_access(user)
    return access.is_platform_admin or bool(access.region_ids(REGION_MANAGERS))


def _check_may_import(user) -> None:
    if not may_import(user):
        raise NotAllowed(
            _("Only region coordinators and platform administrators may import innovations.")
        )


def _write_batch(rows: Sequence[dict], *, source: str) -> tuple[int, int]:
    """Upsert one batch; keep term counts, known words and statistics in step."""
    ids = [r["source_id"] for r in rows]
    old = {
        sid: (name, main, rest)
        for sid, name, main, rest in LibraryEntry.objects.filter(
            source=source, source_id__in=ids
        ).values_list("source_id", "index_name", "index_main", "index_rest")
    }
    df_delta: Counter = Counter()
    lengths = [0, 0, 0]
    words: dict[str, str] = {}
    values = []
    now = timezone.now()
    for row in rows:
        fields = index.index_fields(row)
        new_terms = set().union(*fields)
        previous = old.get(row["source_id"])
        if previous is not None:
            old_fields = [p.split() for p in previous]
            old_terms = set().union(*old_fields)
            for i in range(3):
                lengths[i] -= len(old_fields[i])
        else:
            old_terms = set()
        for term in new_terms - old_terms:
            df_delta[term] += 1
        for term in old_terms - new_terms:
            df_delta[term] -= 1
        for i in range(3):
            lengths[i] += len(fields[i])
        index.surface_words(row, words)
        values.append(
            (
                source,
                *[row.get(c) if c in ("year", "digital") else (row.get(c) or "") for c in COLUMNS],
                " ".join(fields[0]),
                " ".join(fields[1]),
                " ".join(fields[2]),
                now,
                now,
                0,
            )
        )
    with connection.cursor() as cursor:
        # Raw executemany: the ORM's bulk_create spends more time building SQL than the
        # database spends writing (and SQLite's parameter limit cuts its batches small).
        cursor.executemany(_UPSERT_SQL(), values)
        terms = _table_name("libraryterm")
        changes = [(t[:100], n) for t, n in df_delta.items() if n]
        if changes:
            cursor.executemany(
                f"INSERT INTO {terms} (term, df) VALUES (%s, %s) "
                f"ON CONFLICT (term) DO UPDATE SET df = {terms}.df + excluded.df",
                changes,
            )
        if words:
            table = _table_name("libraryword")
            cursor.executemany(
                f"INSERT INTO {table} (word, stem) VALUES (%s, %s) ON CONFLICT (word) DO NOTHING",
                [(w, s[:100]) for w, s in words.items()],
            )
    created = len(rows) - len(old)
    LibraryStats.current()
    LibraryStats.objects.filter(pk=1).update(
        entries=F("entries") + created,
        name_length=F("name_length") + lengths[0],
        main_length=F("main_length") + lengths[1],
        rest_length=F("rest_length") + lengths[2],
    )
    return created, len(old)


def _table_name(model_name: str) -> str:
    return connection.ops.quote_name(f"library_{model_name}")


@transaction.atomic
def import_entries(
    *,
    acting_user,
    rows: Iterable[dict],
    source: str = LibraryEntry.Source.IMPORTED,
    file_name: str = "",
    skipped: int = 0,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create or update entries from validated rows (see ``exchange.read_file``), read
    batch by batch so that a file of millions of rows never sits in memory whole.

    Re-importing a ``source_id`` updates its entry, never duplicates it."""
    _check_may_import(acting_user)
    result = ImportResult()
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        created, updated = _write_batch(batch, source=source)
        result.created += created
        result.updated += updated
        if progress:
            progress(result.total)
    LibraryStats.objects.filter(pk=1).update(generation=F("generation") + 1)
    record_event(
        acting_user=acting_user,
        action="library.import",
        details={
            "file": file_name,
            "created": result.created,
            "updated": result.updated,
            "skipped_rows": skipped,
        },
    )
    return result


@transaction.atomic
def upsert_entry(
    *, acting_user, source: str = LibraryEntry.Source.LOCAL, source_id: str, **fields
) -> LibraryEntry:
    """Add or update one entry, e.g. an innovation of this installation once displayed
    (call it with ``source=LibraryEntry.Source.LOCAL`` and the innovation's id)."""
    _check_may_import(acting_user)
    row, problems = clean_row(0, {"source_id": source_id, **fields})
    if problems:
        raise ActionError(problems[0].reason, field=problems[0].column)
    if source not in LibraryEntry.Source.values:
        raise ActionError(_("Unknown source %(s)r.") % {"s": source}, field="source")
    created, _updated = _write_batch([row], source=source)
    LibraryStats.objects.filter(pk=1).update(generation=F("generation") + 1)
    entry = LibraryEntry.objects.get(source=source, source_id=row["source_id"])
    record_event(
        acting_user=acting_user,
        action="library.entry_added" if created else "library.entry_updated",
        obj=entry,
    )
    return entry


def may_replicate_into(user, enrolment) -> bool:
    """The unit's head and team, the region's coordinator and a platform administrator
    start innovations in an enrolled unit (as for an innovation from an idea)."""
    from labinov.accounts.models import Role

    access = get_access(user)
    return (
        access.is_platform_admin
        or access.has_unit_role(enrolment.unit_id, {Role.UNIT_HEAD, Role.TEAM_MEMBER})
        or access.manages_region(enrolment.unit.region_id)
    )


@transaction.atomic
def replicate_entry(
    *,
    acting_user,
    entry: LibraryEntry,
    enrolment,
    observed: str,
    imitated: str,
    modified: str,
    name: str = "",
) -> Replication:
    """Start an innovation in the acting team's own unit from a knowledge-base entry
    ("Amati, Tiru, Modifikasi"), pre-filled from the entry and linked to it.

    The innovation has no lab ``Idea``: ``Innovation.idea`` is optional, and inventing an
    idea would put a made-up record into the unit's diagnose (with the five PP 38/2017
    criteria ticked by no one). The replication itself, with what was observed, imitated
    and modified, is the innovation's origin. As for an innovation from an idea, the unit
    must have passed the diagnose gate.
    """
    from labinov.innovations.models import Innovation
    from labinov.lab.stages import stage_index

    if not may_replicate_into(acting_user, enrolment):
        raise NotAllowed(
            _("Only the head and the innovation team of %(unit)s, or the coordinator, may do this.")
            % {"unit": enrolment.unit}
        )
    if stage_index(enrolment.stage) < stage_index("design"):
        raise ActionError(
            _("The unit must pass the diagnose gate before it starts innovations."),
            field="enrolment",
        )
    texts = {
        "observed": (observed or "").strip(),
        "imitated": (imitated or "").strip(),
        "modified": (modified or "").strip(),
    }
    missing = {
        "observed": _("Say what your team observed in the source innovation."),
        "imitated": _("Say what your team imitates from it."),
        "modified": _("Say what your team modifies for your region."),
    }
    for field, text in texts.items():
        if not text:
            raise ActionError(missing[field], field=field)
    name = (name or entry.name).strip()[:250]
    if not name:
        raise ActionError(_("Give the innovation a name."), field="name")
    form = entry.form if entry.form in Innovation.Form.values else Innovation.Form.PUBLIC_SERVICE
    kind = Innovation.Kind.NON_DIGITAL if entry.digital is False else Innovation.Kind.DIGITAL
    user = acting_user if getattr(acting_user, "pk", None) else None
    innovation = Innovation.objects.create(
        enrolment=enrolment,
        name=name,
        form=form,
        kind=kind,
        affairs=entry.sector.replace("_", " ")[:200],
        design_problem=entry.problem,
        design_method=entry.solution,
        design_advantages=texts["modified"],
        created_by=user,
    )
    replication = Replication.objects.create(
        source=entry, innovation=innovation, created_by=user, **texts
    )
    LibraryEntry.objects.filter(pk=entry.pk).update(replication_count=F("replication_count") + 1)
    record_event(
        acting_user=acting_user,
        action="library.replicated",
        obj=innovation,
        unit=enrolment.unit,
        details={"entry": entry.pk, "source_id": entry.source_id, "replication": replication.pk},
    )
    return replication
