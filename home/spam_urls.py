"""Spam protection endpoints, served outside the language prefixes (/altcha/...)."""

from django.urls import path

from . import spam_views

app_name = "spam"

urlpatterns = [
    path("challenge/", spam_views.challenge, name="challenge"),
]
