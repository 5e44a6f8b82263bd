from django.urls import path
from django.utils.translation import pgettext_lazy

from . import partner_views as views

app_name = "partner"

# Paths are words people read: Italian under /it/, English under /en/ (the "URL" context
# keeps them apart from the same words elsewhere in the catalogue).
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(pgettext_lazy("URL", "adhesion/"), views.adhesion, name="adhesion"),
    path(pgettext_lazy("URL", "adhesion/withdrawal/"), views.adhesion_withdraw,
         name="adhesion_withdraw"),
    path(pgettext_lazy("URL", "adhesion/contact-details/"), views.adhesion_contact_consent,
         name="adhesion_contact_consent"),
    path(pgettext_lazy("URL", "referrals/"), views.referral_list, name="referral_list"),
    path(pgettext_lazy("URL", "referrals/new/"), views.referral_create, name="referral_create"),
    path(pgettext_lazy("URL", "referrals/<int:pk>/"), views.referral_detail,
         name="referral_detail"),
]
