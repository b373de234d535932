from django.urls import path

from labinov.portal import views

app_name = "portal"
urlpatterns = [
    path("usulan/", views.propose, name="propose"),
    path("usulan/status/<str:token>/", views.proposal_status, name="proposal_status"),
    path("moderasi/", views.moderation, name="moderation"),
    path("moderasi/<int:pk>/", views.moderation_detail, name="moderation_detail"),
    path("moderasi/<int:pk>/keputusan/", views.decide, name="decide"),
    path("moderasi/<int:pk>/gagasan/", views.to_idea, name="to_idea"),
    path("<str:code>/", views.region_front, name="region"),
    path("<str:code>/galeri/", views.gallery, name="gallery"),
    path("<str:code>/statistik/", views.statistics, name="statistics"),
    path("<str:code>/expo/", views.expos, name="expos"),
]
