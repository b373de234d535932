"""The knowledge base in the Django admin: read-only, because every write goes through
``labinov.library.actions`` (which keeps the search terms, counts and audit trail)."""

from django.contrib import admin

from labinov.library.models import ImportRun, LibraryEntry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LibraryEntry)
class LibraryEntryAdmin(ReadOnly):
    list_display = ["name", "region", "province", "year", "sector", "source", "source_id"]
    list_filter = ["source", "form", "digital", "stage", "sector"]
    search_fields = ["name", "region", "source_id"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnly):
    list_display = ["original_name", "status", "created_by", "created_at", "created_count"]
    list_filter = ["status"]
