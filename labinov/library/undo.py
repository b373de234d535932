"""All or nothing for an import written in short transactions.

An import (``actions.import_rows``) writes its rows a batch at a time, each batch in its
own short transaction, so that other people's writes go in between (on SQLite one writer
holds the whole database at a time). So that a failure midway still leaves nothing
half-imported, each batch's transaction also records how to undo it:

- ``begin()`` registers the import (``ImportWriting``), once no other import is writing:
  imports write one after the other, so that undoing one never undoes another's rows.
- ``record()``, in each batch's transaction: for every entry the batch changes, the entry
  as it was before (``ImportUndo.previous``); for the entries it creates, one row of their
  ids (``ImportUndo.created``). A row per created entry was 3.3 s of an import of
  1,000,000 new rows on SQLite, and 0.75 s more to forget them, in 500 transactions.
- The import's last transaction writes its term counts, statistics and audit event and
  marks it ``finished`` (``finish()``): from then on it is never undone, and ``forget()``
  deletes its undo rows, a batch at a time.
- On any failure ``roll_back()`` deletes the rows it created and puts back the ones it
  changed, newest first, a batch at a time in short transactions, then forgets it.
- A process that died while writing (killed, power cut) leaves an unfinished import whose
  heartbeat, renewed with every batch, stops: the next import (``begin()``) undoes it once
  the heartbeat is ``STALE`` old, and forgets finished ones whose clean-up was cut short.

While an import writes, people see its rows appear batch by batch (its term counts and
statistics change at its end); an import that fails takes them all back. A row changed by
someone else while the import runs is put back as it was before the import too.
"""

import json
import time
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from labinov.library import bulk
from labinov.library.bulk import UPDATED_COLUMNS
from labinov.library.models import ImportUndo, ImportWriting, LibraryEntry, LibraryStats

#: An unfinished import whose heartbeat is older than this is taken as dead and undone
#: (a batch takes well under a second; this leaves a wide margin for a loaded machine).
STALE = timedelta(minutes=10)
#: Rows undone or forgotten per transaction.
UNDO_BATCH = 2000
#: Seconds between looks while waiting for another import to finish writing.
WAIT = 1.0


class ImportCancelled(Exception):
    """The import's registration is gone: another process took it for dead and undid it."""


def begin() -> ImportWriting:
    """Register an import about to write, once no other one is writing."""
    while True:
        recover()
        with transaction.atomic():
            LibraryStats.current()
            # PostgreSQL: one process at a time checks and registers (SQLite's immediate
            # transactions already are one at a time).
            list(LibraryStats.objects.select_for_update().filter(pk=1))
            if not ImportWriting.objects.filter(finished=False).exists():
                return ImportWriting.objects.create(heartbeat_at=timezone.now())
        time.sleep(WAIT)


def record(run: ImportWriting, *, source: str, created: list[str], previous: dict) -> None:
    """In a batch's transaction: note the created ``source_id``s and the entries as they
    were before (``previous``: source_id → {field: value}); renew the heartbeat."""
    if not ImportWriting.objects.filter(pk=run.pk, finished=False).update(
        heartbeat_at=timezone.now()
    ):
        raise ImportCancelled(run.pk)
    bulk.add_undo(
        run.pk,
        [
            (source, sid, json.dumps(fields, cls=DjangoJSONEncoder))
            for sid, fields in previous.items()
        ],
        source=source,
        created=created,
    )


def previous_fields(source: str, entry_ids: list[int]) -> dict[str, dict]:
    """The changeable fields of entries, as ``record`` keeps them."""
    rows = LibraryEntry.objects.filter(pk__in=entry_ids).values("source_id", *UPDATED_COLUMNS)
    return {row.pop("source_id"): row for row in rows}


def finish(run: ImportWriting) -> None:
    """In the import's last transaction: from now on it stays."""
    if not ImportWriting.objects.filter(pk=run.pk, finished=False).update(finished=True):
        raise ImportCancelled(run.pk)


def forget(run_id: int) -> None:
    """Delete a finished (or undone) import's undo rows and its registration."""
    # One statement per batch (the ids chosen by a subquery, not read back and sent again:
    # 1.5 s of an import of 100,000 new rows on PostgreSQL).
    batch = ImportUndo.objects.filter(run_id=run_id).values("pk")[:UNDO_BATCH]
    while True:
        with transaction.atomic():
            deleted, _kinds = ImportUndo.objects.filter(pk__in=Subquery(batch)).delete()
        if deleted < UNDO_BATCH:
            break
    ImportWriting.objects.filter(pk=run_id).delete()


def roll_back(run_id: int) -> None:
    """Undo what an unfinished import wrote, newest first, about ``UNDO_BATCH`` entries per
    transaction."""
    while True:
        with transaction.atomic():
            if ImportWriting.objects.filter(pk=run_id, finished=True).exists():
                break  # it finished after all: it stays
            undos, entries = [], 0
            for undo in ImportUndo.objects.filter(run_id=run_id).order_by("-pk")[:UNDO_BATCH]:
                undos.append(undo)
                entries += len(undo.created) if undo.created is not None else 1
                if entries >= UNDO_BATCH:
                    break
            if not undos:
                break
            # Newest first, so the last seen of an entry is the oldest: how it was before.
            before = {}
            for undo in undos:
                if undo.created is not None:
                    before.update(dict.fromkeys((undo.source, s) for s in undo.created))
                else:
                    before[undo.source, undo.source_id] = undo.previous
            created: dict[str, list[str]] = {}
            for (source, source_id), previous in before.items():
                if previous is None:
                    created.setdefault(source, []).append(source_id)
                else:
                    fields = dict(previous, updated_at=parse_datetime(previous["updated_at"]))
                    LibraryEntry.objects.filter(source=source, source_id=source_id).update(**fields)
            for source, source_ids in created.items():
                for start in range(0, len(source_ids), UNDO_BATCH):
                    LibraryEntry.objects.filter(
                        source=source, source_id__in=source_ids[start : start + UNDO_BATCH]
                    ).delete()
            ImportUndo.objects.filter(pk__in=[u.pk for u in undos]).delete()
    forget(run_id)


def recover() -> None:
    """Undo the imports whose process died while writing; forget the finished ones whose
    clean-up was cut short."""
    stale = timezone.now() - STALE
    for run_id, finished in ImportWriting.objects.filter(heartbeat_at__lt=stale).values_list(
        "pk", "finished"
    ):
        if finished:
            forget(run_id)
        else:
            roll_back(run_id)
