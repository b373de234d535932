from django.urls import path

from labinov.lab import downloads
from labinov.lab.views import diagnose, programmes, workspace

app_name = "lab"
urlpatterns = [
    path("", programmes.programme_list, name="list"),
    path("baru/", programmes.programme_create, name="create"),
    path("tahapan/", programmes.stage_guide, name="stages"),
    path("<int:pk>/", programmes.programme_detail, name="programme"),
    path("<int:pk>/ubah/", programmes.programme_edit, name="edit"),
    path("<int:pk>/daftarkan/", programmes.programme_enrol, name="enrol"),
    path("<int:pk>/daftarkan/unit/", programmes.programme_enrol_unit, name="enrol_unit"),
    path(
        "<int:pk>/keluarkan/<int:enrolment_pk>/",
        programmes.programme_unenrol,
        name="unenrol",
    ),
    path("<int:pk>/undang/", programmes.programme_invite, name="invite"),
    path("<int:pk>/papan/", programmes.programme_board, name="board"),
    path("<int:pk>/ringkasan/", programmes.programme_summary, name="summary"),
    path("unit/<int:pk>/", workspace.workspace, name="workspace"),
    path("unit-kerja/<int:unit_pk>/", workspace.unit_workspace, name="unit_workspace"),
    path("unit/<int:pk>/pakta/", workspace.sign_pact, name="sign"),
    path("unit/<int:pk>/tim/", workspace.add_member, name="add_member"),
    path("unit/<int:pk>/tim/sk/", workspace.set_decree, name="decree"),
    path("unit/<int:pk>/kesiapan/", workspace.readiness_form, name="readiness"),
    path("unit/<int:pk>/masalah/baru/", diagnose.problem_create, name="problem_create"),
    path("unit/<int:pk>/gerbang/", workspace.decide, name="decide"),
    path("unit/<int:pk>/buka-kembali/", workspace.reopen, name="reopen"),
    path("unit/<int:pk>/berkas/pakta/", downloads.pact_scan, name="pact_scan"),
    path("unit/<int:pk>/berkas/sk-tim/", downloads.team_decree, name="team_decree"),
    path("masalah/<int:pk>/berkas/bukti/", downloads.evidence, name="evidence"),
    path("unit/<int:pk>/komentar/", workspace.comment, name="comment"),
    path("anggota/<int:pk>/hapus/", workspace.remove_member, name="remove_member"),
    path("anggota/<int:pk>/undang/", workspace.invite_member, name="invite_member"),
    path("masalah/<int:pk>/", diagnose.problem_detail, name="problem"),
    path("masalah/<int:pk>/ubah/", diagnose.problem_edit, name="problem_edit"),
    path("masalah/<int:pk>/penyebab/", diagnose.cause_add, name="cause_add"),
    path("masalah/<int:pk>/usg/", diagnose.usg_score, name="usg"),
    path("masalah/<int:pk>/gagasan/", diagnose.idea_add, name="idea_add"),
    path("gagasan/<int:pk>/ubah/", diagnose.idea_edit, name="idea_edit"),
    path("penyebab/<int:pk>/hapus/", diagnose.cause_remove, name="cause_remove"),
    path("masalah/<int:pk>/penyebab/pulihkan/", diagnose.cause_restore, name="cause_restore"),
]
