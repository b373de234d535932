from django.urls import path

from labinov.innovations.views import dashboard, documents, expo, files, pages

app_name = "innovations"
urlpatterns = [
    path("", pages.innovation_list, name="list"),
    path("dari-gagasan/<int:idea_pk>/", pages.innovation_create, name="create"),
    path("dasbor/", dashboard.dashboard, name="dashboard"),
    path("direktori.pdf", documents.directory_pdf, name="directory"),
    path("ekspor.xlsx", documents.export_xlsx, name="export"),
    path("expo/baru/", expo.expo_create, name="expo_create"),
    path("expo/<int:pk>/", expo.expo_detail, name="expo"),
    path("expo/<int:pk>/nilai/<int:innovation_pk>/", expo.expo_score, name="expo_score"),
    path("expo/<int:pk>/terbaik/", expo.expo_best, name="expo_best"),
    path("<int:pk>/", pages.innovation_detail, name="detail"),
    path("<int:pk>/ubah/", pages.innovation_edit, name="edit"),
    path("<int:pk>/profil.pdf", documents.profile_pdf, name="profile_pdf"),
    path("<int:pk>/peluncuran/", pages.display_save, name="display"),
    path("<int:pk>/rencana-aksi/", pages.milestone_add, name="milestone_add"),
    path("<int:pk>/rencana-aksi/<int:milestone_pk>/kemajuan/", pages.progress_add, name="progress"),
    path("<int:pk>/ukuran-layanan/", pages.measure_set, name="measure"),
    path("<int:pk>/volume-layanan/", pages.volume_set, name="volume"),
    path("<int:pk>/risiko/", pages.risk_add, name="risk_add"),
    path("<int:pk>/risiko/<int:risk_pk>/selesai/", pages.risk_resolve, name="risk_resolve"),
    path("<int:pk>/foto/", pages.photo_add, name="photo_add"),
    path("<int:pk>/komentar/", pages.comment_add, name="comment"),
    path("<int:pk>/gerbang/", pages.decide, name="decide"),
    path("<int:pk>/buka-kembali/", pages.reopen, name="reopen"),
    path("<int:pk>/berkas/anggaran/", files.budget_file, name="budget_file"),
    path("<int:pk>/berkas/profil-bisnis/", files.business_profile, name="business_profile"),
    path("<int:pk>/berkas/bukti/<int:evidence_pk>/", files.evidence_file, name="evidence_file"),
    path("<int:pk>/foto/<int:photo_pk>/", files.photo, name="photo"),
]
