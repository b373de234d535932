from django.urls import path

from labinov.lab import downloads, views

app_name = "lab"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("baru/", views.programme_create, name="create"),
    path("tahapan/", views.stage_guide, name="stages"),
    path("<int:pk>/", views.programme_detail, name="programme"),
    path("<int:pk>/ubah/", views.programme_edit, name="edit"),
    path("<int:pk>/daftarkan/", views.programme_enrol, name="enrol"),
    path("<int:pk>/undang/", views.programme_invite, name="invite"),
    path("<int:pk>/papan/", views.programme_board, name="board"),
    path("<int:pk>/ringkasan/", views.programme_summary, name="summary"),
    path("unit/<int:pk>/", views.workspace, name="workspace"),
    path("unit/<int:pk>/pakta/", views.sign_pact, name="sign"),
    path("unit/<int:pk>/tim/", views.add_member, name="add_member"),
    path("unit/<int:pk>/tim/sk/", views.set_decree, name="decree"),
    path("unit/<int:pk>/kesiapan/", views.readiness_form, name="readiness"),
    path("unit/<int:pk>/masalah/baru/", views.problem_create, name="problem_create"),
    path("unit/<int:pk>/gerbang/", views.decide, name="decide"),
    path("unit/<int:pk>/berkas/pakta/", downloads.pact_scan, name="pact_scan"),
    path("unit/<int:pk>/berkas/sk-tim/", downloads.team_decree, name="team_decree"),
    path("masalah/<int:pk>/berkas/bukti/", downloads.evidence, name="evidence"),
    path("unit/<int:pk>/komentar/", views.comment, name="comment"),
    path("anggota/<int:pk>/hapus/", views.remove_member, name="remove_member"),
    path("masalah/<int:pk>/", views.problem_detail, name="problem"),
    path("masalah/<int:pk>/penyebab/", views.cause_add, name="cause_add"),
    path("masalah/<int:pk>/usg/", views.usg_score, name="usg"),
    path("masalah/<int:pk>/gagasan/", views.idea_add, name="idea_add"),
    path("penyebab/<int:pk>/hapus/", views.cause_remove, name="cause_remove"),
]
