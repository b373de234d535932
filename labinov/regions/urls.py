from django.urls import path

from labinov.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("jejak-audit/", views.audit_trail, name="audit"),
    path("tambah/", views.region_create, name="create"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
    path("unit/<int:pk>/ubah/", views.unit_edit, name="unit_edit"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/orang/", views.region_people, name="people"),
    path("<str:code>/orang/<int:pk>/cabut/", views.revoke_role, name="revoke_role"),
]
