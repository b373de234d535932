from django.contrib import admin

from labinov.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched here, never changed."""

    list_display = ["created_at", "actor_repr", "action", "object_repr", "region"]
    list_filter = ["action", "region"]
    search_fields = ["actor_repr", "action", "object_repr"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
