from django.contrib import admin

from labinov.core.admin_support import ReadOnlyAdmin
from labinov.regions.models import Region, Unit


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "head_name", "is_demo"]
    list_filter = ["kind", "region", "is_demo"]
    search_fields = ["name", "head_name"]
