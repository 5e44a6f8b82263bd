"""Spam protection endpoints, served outside the language prefixes (/altcha/...)."""

from django.urls import path

from antispam import views

app_name = "spam"

urlpatterns = [
    path("challenge/", views.challenge, name="challenge"),
]
