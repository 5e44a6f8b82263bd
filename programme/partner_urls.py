from django.urls import path

from . import partner_views as views

app_name = "partner"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("adesione/", views.adhesion, name="adhesion"),
    path("adesione/ritiro/", views.adhesion_withdraw, name="adhesion_withdraw"),
    path("segnalazioni/", views.referral_list, name="referral_list"),
    path("segnalazioni/nuova/", views.referral_create, name="referral_create"),
    path("segnalazioni/<int:pk>/", views.referral_detail, name="referral_detail"),
]
