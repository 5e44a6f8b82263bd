"""The mails an organisation gets about its adhesion: sent, decided, a new protocol version.

Apart from adhesions.py because protocol_versions.py sends one too, and adhesions.py
reads the current version from protocol_versions.py: both use this module, which uses
neither.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from home.contact import absolute_url
from mail.sending import queue_email


def notify_organisation(adhesion, template, user=None, extra=None):
    """Queue `programme/email/adhesion_<template>` to the organisation and to `user` (by
    default who sent the adhesion), in that person's language; `extra`: more context."""
    user = user or adhesion.submitted_by
    recipients = {adhesion.organisation.email}
    if user is not None and user.email:
        recipients.add(user.email)
    language = user.language if user is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        partner_url = absolute_url(reverse("partner:dashboard"))
    queue_email(sorted(recipients), f"programme/email/adhesion_{template}",
                {"adhesion": adhesion, "organisation": adhesion.organisation,
                 "partner_url": partner_url, **(extra or {})}, language)
