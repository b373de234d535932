"""Background work of the knowledge base: a file imported from the browser, and the
sentence embeddings of new or changed entries (when the optional model is installed).

Progress is visible while the file is read and checked (outside any transaction, so the
polling page sees it at once); the file is then read again and its rows written by
``actions.import_rows`` in short transactions, all or nothing (see its module), so that a
failure leaves nothing half-imported and no file sits in memory whole.

Whatever else goes wrong (a file that is not what its name says, a bug, a worker that is
stopped or killed) ends the run as failed with a reason the user can act on: here for an
exception, in library/signals.py for a worker that stopped."""

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from labinov.core import background
from labinov.core.errors import NotAllowed
from labinov.library import actions
from labinov.library.exchange import ExchangeError, estimate_rows, iter_rows, read_file
from labinov.library.helper import HelperStopped
from labinov.library.models import EmbeddingRun, ImportRun
from labinov.library.search import embeddings, textindex

logger = logging.getLogger(__name__)


def _set(run_id: int, **fields) -> None:
    ImportRun.objects.filter(pk=run_id).update(**fields)


def _finish(run_id: int, status: str, message: str, **fields) -> str:
    _set(run_id, status=status, message=message, finished_at=timezone.now(), **fields)
    return status


def fail_unfinished_run(run_id: int, message: str) -> bool:
    """End a run that is still waiting or running as failed; False if it had ended."""
    return bool(
        ImportRun.objects.filter(
            pk=run_id, status__in=[ImportRun.Status.WAITING, ImportRun.Status.RUNNING]
        ).update(status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now())
    )


def unexpected_error_message(error_name: str) -> str:
    return _(
        "The import stopped on an unexpected error (%(error)s). Check that the file is a "
        "valid CSV, XLSX or JSON Lines file and start the import again; if it happens "
        "again, tell the administrator."
    ) % {"error": error_name}


@task()
def import_library_file(run_id: int) -> str:
    """Read, validate and import the file of an ImportRun. A file with bad rows imports
    nothing unless the run says to skip them; every bad row is kept on the run."""
    try:
        return _import(run_id)
    except Exception as exc:
        # The traceback goes to the log and to the task result (re-raised); the person
        # who started the import reads what happened and what to do.
        logger.exception("Import run %s failed", run_id)
        fail_unfinished_run(run_id, unexpected_error_message(type(exc).__name__))
        raise


def _import(run_id: int) -> str:
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    try:
        with run.file.open("rb") as stream:
            _set(
                run_id,
                status=ImportRun.Status.RUNNING,
                total_rows=estimate_rows(stream, run.original_name),
            )
            parsed = read_file(
                stream,
                run.original_name,
                progress=lambda n: _set(run_id, processed_rows=n),
                keep_rows=False,
            )
    except ExchangeError as exc:
        return _finish(run_id, ImportRun.Status.REJECTED, str(exc))
    total = parsed.valid_count + parsed.bad_rows
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
        with run.file.open("rb") as stream:
            result = actions.import_rows(
                acting_user=run.created_by,
                rows=iter_rows(stream, run.original_name),
                skip_invalid=run.skip_invalid,
                file_name=run.original_name,
            )
    except NotAllowed as exc:
        return _finish(run_id, ImportRun.Status.REJECTED, str(exc.message))
    except HelperStopped as exc:  # killed, out of memory: the import was undone
        logger.warning("Import run %s: its helper process stopped: %s", run_id, exc)
        return _finish(
            run_id,
            ImportRun.Status.FAILED,
            actions.helper_stopped_message(run.original_name, exc.exit_code),
        )
    return _finish(
        run_id,
        ImportRun.Status.DONE,
        _("%(created)s added, %(updated)s updated, %(skipped)s skipped.")
        % {"created": result.created, "updated": result.updated, "skipped": result.bad_rows},
        created_count=result.created,
        updated_count=result.updated,
    )


@task(takes_context=True)
def embed_library_entries(context) -> int:
    """Embed the entries that have no sentence embedding yet (queued after every write
    of the knowledge base; several queued runs find nothing left to do), at low priority
    and a batch at a time, its progress on an ``EmbeddingRun``. A run whose worker stops
    is ended by library/signals.py, which queues the rest again."""
    # Low priority before the model loads (loading it is work too), and again before each
    # batch for the threads the model started since. A task run inline (the immediate
    # backend) runs in the process that queued it, a web server's maybe: that keeps its
    # priority, since a niceness cannot be lowered back.
    lower = (
        background.lower_priority if background.in_a_worker(context.task_result.backend) else None
    )
    if lower:
        lower()
    if not embeddings.enabled() or not embeddings.missing():
        return 0
    run_id = _start_embedding_run(str(context.task_result.id))
    try:
        done = embeddings.embed_missing(
            progress=lambda n: _embedding_progress(run_id, n),
            pause=settings.BACKGROUND_PAUSE,
            before_batch=lower,
        )
    except Exception as exc:
        logger.exception("Embedding run %s failed", run_id)
        fail_embedding_run(run_id, embedding_error_message(type(exc).__name__))
        raise
    _embedding_progress(run_id, done, status=EmbeddingRun.Status.DONE)
    return done


@task(takes_context=True)
def sync_search_index(context) -> int:
    """Apply the noted changes of the knowledge base to the embedded search index
    (building it when there is none), at low priority; several queued runs find nothing
    left to do."""
    if background.in_a_worker(context.task_result.backend):
        background.lower_priority()
    return textindex.sync() or 0


def _start_embedding_run(task_id: str) -> int:
    return EmbeddingRun.objects.create(task_id=task_id, missing_at_start=embeddings.missing()).pk


def _embedding_progress(run_id: int, embedded: int, status: str | None = None) -> None:
    fields = {"embedded": embedded, "updated_at": timezone.now()}
    if status:
        fields.update(status=status, finished_at=timezone.now())
    EmbeddingRun.objects.filter(pk=run_id).update(**fields)


def fail_embedding_run(run_id: int, message: str) -> bool:
    """End a run that is still running as failed; False if it had ended."""
    return bool(
        EmbeddingRun.objects.filter(pk=run_id, status=EmbeddingRun.Status.RUNNING).update(
            status=EmbeddingRun.Status.FAILED, message=message, finished_at=timezone.now()
        )
    )


def embedding_error_message(error_name: str) -> str:
    return _(
        "Embedding stopped on an unexpected error (%(error)s). The entries embedded so far "
        "are kept; the next change to the knowledge base, or `labinov embed-library`, "
        "embeds the rest. If it happens again, check the server log."
    ) % {"error": error_name}
