"""Background work of the knowledge base: a file imported from the browser.

Progress is visible while the file is read and checked (outside any transaction, so the
polling page sees it at once); the rows are then written in one transaction, so that a
failure leaves nothing half-imported."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from labinov.core.errors import NotAllowed
from labinov.library import actions
from labinov.library.exchange import ExchangeError, file_format, read_file
from labinov.library.models import ImportRun


def _set(run_id: int, **fields) -> None:
    ImportRun.objects.filter(pk=run_id).update(**fields)


def _estimate_rows(run: ImportRun) -> int:
    """Rows in the file, counted by lines (an estimate for the progress bar only)."""
    if file_format(run.original_name) == "xlsx":
        return 0
    with run.file.open("rb") as stream:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - (1 if file_format(run.original_name) == "csv" else 0), 0)


def _finish(run_id: int, status: str, message: str, **fields) -> str:
    _set(run_id, status=status, message=message, finished_at=timezone.now(), **fields)
    return status


@task()
def import_library_file(run_id: int) -> str:
    """Read, validate and import the file of an ImportRun. A file with bad rows imports
    nothing unless the run says to skip them; every bad row is kept on the run."""
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    try:
        _set(run_id, status=ImportRun.Status.RUNNING, total_rows=_estimate_rows(run))
        with run.file.open("rb") as stream:
            parsed = read_file(
                stream,
                run.original_name,
                progress=lambda n: _set(run_id, processed_rows=n),
            )
    except ExchangeError as exc:
        return _finish(run_id, ImportRun.Status.REJECTED, str(exc))
    rows = [row for _number, row in parsed.rows]
    total = len(rows) + parsed.bad_rows
    _set(
        run_id,
        total_rows=total,
        processed_rows=total,
        problems=[p.as_dict() for p in parsed.problems],
    )
    if parsed.problems and not run.skip_invalid:
        return _finish(
            run_id,
            ImportRun.Status.REJECTED,
            _("%(n)s row(s) are not valid: nothing was imported.") % {"n": parsed.bad_rows},
        )
    try:
        result = actions.import_entries(
            acting_user=run.created_by,
            rows=rows,
            file_name=run.original_name,
            skipped=parsed.bad_rows,
        )
    except NotAllowed as exc:
        return _finish(run_id, ImportRun.Status.REJECTED, str(exc.message))
    return _finish(
        run_id,
        ImportRun.Status.DONE,
        _("%(created)s added, %(updated)s updated, %(skipped)s skipped.")
        % {"created": result.created, "updated": result.updated, "skipped": parsed.bad_rows},
        created_count=result.created,
        updated_count=result.updated,
    )
