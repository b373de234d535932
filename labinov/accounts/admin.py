from django.contrib import admin

from labinov.accounts.models import ApiToken, RoleAssignment, User
from labinov.core.admin_support import ReadOnlyAdmin


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fields = ["role", "region", "unit", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = ["username", "first_name", "last_name", "email", "position", "is_active", "last_login"]
    inlines = [RoleInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "region", "unit", "created_at"]
    list_filter = ["role", "region"]
    search_fields = ["user__username", "user__first_name", "user__email"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "user",
        "key_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = list_display
    search_fields = ["name", "user__username"]
