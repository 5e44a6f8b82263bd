"""Unlocalized, stable paths for monitoring (outside /it/ and /en/)."""

from django.urls import path

from worker import views

urlpatterns = [
    path("", views.health, name="health"),
]
