from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from labinov.api import api

urlpatterns = [
    path("", include("labinov.core.urls")),
    path("wilayah/", include("labinov.regions.urls")),
    path("akun/", include("labinov.accounts.urls")),
    path("pustaka/", include("labinov.library.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
