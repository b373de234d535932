from django.contrib import admin

from labinov.core.admin_support import ReadOnlyAdmin
from labinov.core.models import AuditEvent, TaskWorker


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail can be searched here, never changed."""

    list_display = ["created_at", "actor_repr", "action", "object_repr", "region"]
    list_filter = ["action", "region"]
    search_fields = ["actor_repr", "action", "object_repr"]
    date_hierarchy = "created_at"


@admin.register(TaskWorker)
class TaskWorkerAdmin(ReadOnlyAdmin):
    """Background workers as they last reported: which ones run, and since when."""

    list_display = ["worker_id", "hostname", "pid", "started_at", "last_seen_at", "stopped_at"]
