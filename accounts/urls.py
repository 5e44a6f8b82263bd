from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("organizzazione/nuova/", views.organisation_create, name="organisation_create"),
    path("organizzazione/", views.organisation_edit, name="organisation_edit"),
    path("membri/", views.members, name="members"),
    path("inviti/<int:pk>/revoca/", views.invitation_revoke, name="invitation_revoke"),
    path("invito/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
