"""The HSDS 3.0 API's addresses, under /api/hsds/ (no language prefix: the language is
`?lang=` or Accept-Language). /locations is an extension of the 3.0 profile."""

from django.urls import path

from opendata import api

app_name = "hsds"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("services", api.services, name="services"),
    path("services/<str:id>", api.service, name="service"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<str:id>", api.organization, name="organization"),
    path("locations", api.locations, name="locations"),
    path("locations/<str:id>", api.location, name="location"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:id>", api.service_at_location,
         name="service_at_location"),
]
