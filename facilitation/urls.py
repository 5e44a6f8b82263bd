from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "facilitation"

# Italian under /it/facilitatori/, English under /en/facilitators/ (website/urls.py); a
# meeting is its group, date (YYYY-MM-DD) and start time (HHMM, Milan).
urlpatterns = [
    path("", views.home, name="home"),
    path(pgettext_lazy("URL", "meetings/<int:pk>/<str:day>/<str:time>/"), views.meeting,
         name="meeting"),
    path(pgettext_lazy("URL", "meetings/<int:pk>/<str:day>/<str:time>/move/"), views.move,
         name="move"),
    path(pgettext_lazy("URL", "meetings/<int:pk>/<str:day>/<str:time>/cancel/"),
         views.cancel, name="cancel"),
]
