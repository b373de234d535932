"""An import whose task ended without ending its run (the worker was killed or stopped,
or the task raised before it could say so) is marked failed here, with the reason."""

from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished

from labinov.core import workers
from labinov.core.restore import restored
from labinov.library.models import EmbeddingRun, ImportRun
from labinov.library.search import textindex
from labinov.library.tasks import (
    embed_library_entries,
    embedding_error_message,
    fail_embedding_run,
    fail_unfinished_run,
    import_library_file,
    unexpected_error_message,
)

#: Exceptions that mean the worker stopped, not the import.
WORKER_STOPPED = {
    f"{workers.WorkerLost.__module__}.{workers.WorkerLost.__qualname__}",
    "builtins.SystemExit",
    "builtins.KeyboardInterrupt",
}


def failure_message(exception_class_path: str) -> str:
    if exception_class_path in WORKER_STOPPED:
        return _(
            "The background worker stopped before this import finished. Start the import "
            "again: importing a file twice updates its entries, never duplicates them."
        )
    return unexpected_error_message(exception_class_path.rsplit(".", 1)[-1] or "?")


@receiver(task_finished)
def fail_the_run_of_a_failed_import(sender, task_result, **kwargs) -> None:
    if task_result.task.module_path != import_library_file.module_path:
        return
    if task_result.status != TaskResultStatus.FAILED or not task_result.args:
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else ""
    fail_unfinished_run(task_result.args[0], failure_message(error))


@receiver(workers.recovered)
def fail_abandoned_runs(sender, **kwargs) -> None:
    """Runs still waiting or running whose task has failed (their worker was stopped
    before the failure could be written on the run)."""
    from django_tasks_db.models import DBTaskResult

    runs = dict(
        ImportRun.objects.filter(
            status__in=[ImportRun.Status.WAITING, ImportRun.Status.RUNNING]
        ).values_list("pk", "created_at")
    )
    if not runs:
        return
    failed = DBTaskResult.objects.failed().filter(
        task_path=import_library_file.module_path, enqueued_at__gte=min(runs.values())
    )
    for result in failed.only("args_kwargs", "exception_class_path"):
        args = result.args_kwargs.get("args") or [None]
        if args[0] in runs:
            fail_unfinished_run(args[0], failure_message(result.exception_class_path))


def embedding_stopped_message() -> str:
    return _(
        "The background worker stopped before this run finished. The entries embedded so "
        "far are kept; the rest is queued again and a worker embeds it when it starts."
    )


@receiver(task_finished)
def resume_a_stopped_embedding(sender, task_result, **kwargs) -> None:
    """An embedding task that failed ends its run with the reason; when its worker was
    stopped or killed (not an error of the work), the rest is queued again, so that the
    next worker resumes where it stopped (only entries without a vector are embedded)."""
    if task_result.task.module_path != embed_library_entries.module_path:
        return
    if task_result.status != TaskResultStatus.FAILED:
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else ""
    stopped = error in WORKER_STOPPED
    for run_id in EmbeddingRun.objects.filter(task_id=str(task_result.id)).values_list(
        "pk", flat=True
    ):
        fail_embedding_run(
            run_id,
            embedding_stopped_message()
            if stopped
            else embedding_error_message(error.rsplit(".", 1)[-1] or "?"),
        )
    if stopped:
        embed_library_entries.enqueue()


@receiver(restored)
def write_the_search_index_anew(sender, **kwargs) -> None:
    """A restored database holds other entries than the search index describes."""
    textindex.discard()
