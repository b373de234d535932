from django.urls import path

from labinov.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("kamus-data/", views.dictionary, name="dictionary"),
    path("atom.xml", views.NewlyPublished(), name="atom"),
    path("terbit/", views.published, name="published"),
    path("tarik/<int:pk>/", views.withdraw, name="withdraw"),
    path("lisensi/<str:code>/", views.set_licence, name="licence"),
    path("federasi/", views.federation, name="federation"),
    path("federasi/<int:pk>/panen/", views.harvest, name="harvest"),
    path("federasi/<int:pk>/aktif/", views.toggle, name="toggle"),
    path("<str:code>/inovasi.<str:fmt>", views.download, name="download"),
]
