from django.urls import path

from labinov.index import views

app_name = "index"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rubrik/", views.rubrics, name="rubrics"),
    path("bukti/<int:pk>/", views.evidence, name="evidence"),
    path("<str:code>/", views.region_index_page, name="region"),
    path("<str:code>/mulai/", views.start, name="start"),
    path("<str:code>/<int:year>/isi/", views.fill, name="fill"),
    path("<str:code>/<int:year>/isi/<int:innovation>/", views.fill, name="fill_innovation"),
    path("<str:code>/<int:year>/jawaban/", views.answer, name="answer"),
    path("<str:code>/<int:year>/dari-labinov/", views.from_labinov, name="from_labinov"),
    path("<str:code>/<int:year>/paket.xlsx", views.pack_xlsx, name="pack_xlsx"),
    path("<str:code>/<int:year>/bukti.zip", views.pack_zip, name="pack_zip"),
]
