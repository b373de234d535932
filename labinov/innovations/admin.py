"""Read-only views of innovations for platform administrators; changes go through actions."""

from django.contrib import admin

from labinov.innovations.models import Expo, Innovation


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Innovation)
class InnovationAdmin(ReadOnly):
    list_display = ["name", "enrolment", "stage", "published_at", "documented_at", "is_demo"]
    list_filter = ["stage", "is_demo", "enrolment__programme"]
    search_fields = ["name"]


@admin.register(Expo)
class ExpoAdmin(ReadOnly):
    list_display = ["title", "programme", "held_on", "best"]
