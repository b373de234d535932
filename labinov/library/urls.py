from django.urls import path

from labinov.library import views

app_name = "library"
urlpatterns = [
    path("", views.search, name="search"),
    path("serupa/", views.similar, name="similar"),
    path("impor/", views.import_file, name="import"),
    path("impor/<int:pk>/", views.import_run, name="import_run"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/tiru/", views.replicate, name="replicate"),
]
