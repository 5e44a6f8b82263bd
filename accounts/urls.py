from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "accounts"

# Paths are words people read: Italian under /it/, English under /en/.
urlpatterns = [
    path(pgettext_lazy("URL", "organisation/new/"), views.organisation_create,
         name="organisation_create"),
    path(pgettext_lazy("URL", "organisation/"), views.organisation_edit,
         name="organisation_edit"),
    path(pgettext_lazy("URL", "members/"), views.members, name="members"),
    path(pgettext_lazy("URL", "invitations/<int:pk>/revoke/"), views.invitation_revoke,
         name="invitation_revoke"),
    path(pgettext_lazy("URL", "invitation/<str:token>/"), views.invitation_accept,
         name="invitation_accept"),
]
