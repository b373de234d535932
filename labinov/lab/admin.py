from django.contrib import admin

from labinov.core.admin_support import ReadOnlyAdmin
from labinov.lab.models import Enrolment, GateDecision, Idea, LabProgramme, Problem, StagePlan


class StagePlanInline(admin.TabularInline):
    """The programme's plan, read only like the rest of the admin."""

    model = StagePlan
    fields = ["stage", "start", "end"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LabProgramme)
class LabProgrammeAdmin(ReadOnlyAdmin):
    inlines = [StagePlanInline]
    list_display = ["title", "region", "year", "status", "is_public"]
    list_filter = ["status", "is_public", "region"]
    search_fields = ["title"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "programme", "stage"]
    list_filter = ["stage", "programme"]
    search_fields = ["unit__name"]


@admin.register(GateDecision)
class GateDecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "enrolment",
        "from_stage",
        "to_stage",
        "decision",
        "decided_by_name",
        "decided_at",
    ]
    list_filter = ["decision", "from_stage"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["service", "enrolment", "is_demo", "created_at"]
    search_fields = ["service", "description"]


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ["title", "problem", "is_demo"]
    search_fields = ["title"]
