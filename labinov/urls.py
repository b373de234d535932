from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from labinov.api import api
from labinov.opendata.sitemaps import SITEMAPS

urlpatterns = [
    path("", include("labinov.core.urls")),
    path("wilayah/", include("labinov.regions.urls")),
    path("akun/", include("labinov.accounts.urls")),
    path("lab/", include("labinov.lab.urls")),
    path("inovasi/", include("labinov.innovations.urls")),
    path("pustaka/", include("labinov.library.urls")),
    path("data-terbuka/", include("labinov.opendata.urls")),
    path("publik/", include("labinov.portal.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("indeks/", include("labinov.index.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
# A busy database answers 503 with Retry-After instead of a 500 (core/busy.py).
handler500 = "labinov.core.busy.server_error"
# Uploaded files are never served from a public folder: each app serves its files
# through a view that checks who asks (labinov.core.files.file_response).
