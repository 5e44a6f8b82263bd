from django.urls import path
from django.utils.translation import pgettext_lazy

from rating import views

app_name = "rating"

urlpatterns = [
    path(pgettext_lazy("URL", "page-rating/"), views.rate, name="rate"),
    path(pgettext_lazy("URL", "page-rating/thanks/"), views.thanks, name="thanks"),
]
