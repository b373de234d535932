from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin shows and searches; it never writes. Every change goes through an action
    (pages, API or CLI), so that it is checked and audited once."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
