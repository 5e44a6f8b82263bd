from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "privacy"

# Paths are words people read: Italian under /it/, English under /en/.
urlpatterns = [
    path(pgettext_lazy("URL", "data-protection-request/"), views.subject_request_form,
         name="request"),
    path(pgettext_lazy("URL", "data-protection-request/sent/"), views.subject_request_sent,
         name="request_sent"),
]
