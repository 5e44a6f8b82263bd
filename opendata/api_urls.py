"""The HSDS 3.0 API's addresses, under /api/hsds/ (no language prefix: the language is
`?lang=` or Accept-Language). Filled in by api.py's views."""

from django.urls import path

from opendata import api

app_name = "hsds"

urlpatterns = [
    path("", api.index, name="index"),
]
