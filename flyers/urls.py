from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "flyers"

# Italian under /it/volantini/, English under /en/flyers/ (website/urls.py).
urlpatterns = [
    path(pgettext_lazy("URL", "programme.pdf"), views.programme_flyer, name="programme"),
    path(pgettext_lazy("URL", "groups/<int:group_id>.pdf"), views.group_flyer, name="group"),
    path(pgettext_lazy("URL", "venues/<int:venue_id>/poster.pdf"), views.venue_poster,
         name="poster"),
]
