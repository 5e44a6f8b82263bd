"""What tells the Segreteria that requests wait: the daily digest mail, the menu's count
and the dashboard's lists (programme/dashboard.py).

The digest carries counts and references only: a mail may be forwarded or read on a
shared phone, so no name, address or number of a person goes in it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import TRIAGE_GROUP
from home.contact import absolute_url
from mail.sending import queue_email

from .models.digests import TriageDigest
from .models.participation import ParticipationRequest
from .participation import new_requests, requests_waiting_too_long
from .waiting_list import seat_offers

Status = ParticipationRequest.Status

# References listed in a digest; beyond them the mail says how many more.
DIGEST_REFERENCES = 50


def unassigned_requests():
    """Requests staff contacted that have no group yet (status "contacted"), oldest
    first: the people who wait for a place."""
    return ParticipationRequest.objects.filter(status=Status.CONTACTED).order_by("created_at")


def new_requests_count():
    """How many requests nobody has handled yet: the number beside "Richieste" (one query)."""
    return new_requests().count()


def digest_recipients():
    """Active members of the Segreteria group with an email address (superusers are not
    mailed: they are not on duty for triage)."""
    return (get_user_model().objects.filter(groups__name=TRIAGE_GROUP, is_active=True)
            .exclude(email="").distinct().order_by("pk"))


def digest_context(today=None):
    """What the digest says on `today` (Milan's date; default today).

    Returns {"new_count", "waiting_count", "unassigned_count", "offers_count" (free seats
    offered to people on a waiting list, programme.waiting_list): ints, "references": up to
    DIGEST_REFERENCES references of new requests, oldest first ("MA-2026-00012"),
    "more": how many new ones are not listed, "requests_url": the admin's list of new
    requests, absolute on the site's base URL}. Never a name, email or phone.
    """
    new = new_requests()
    new_count = new.count()
    references = list(new.order_by("created_at")
                      .values_list("reference", flat=True)[:DIGEST_REFERENCES])
    return {
        "new_count": new_count,
        "waiting_count": requests_waiting_too_long(today).count(),
        "unassigned_count": unassigned_requests().count(),
        "offers_count": len(seat_offers()),
        "references": references,
        "more": max(new_count - len(references), 0),
        "requests_url": absolute_url(reverse("participation_requests:index") + "?status=new"),
    }


def send_triage_digest(today=None):
    """Queue today's digest for each Segreteria member not yet sent it today, in the
    member's language (accounts.User.language, Italian by default).

    Returns the number of mails queued: 0 when there is nothing new, waiting, to assign
    or to offer (no empty mail), or when every member already had today's digest. Each
    member's row and mail are one transaction: a mail is queued once per member and day.
    """
    today = today or timezone.localdate()
    context = digest_context(today)
    if not (context["new_count"] or context["waiting_count"] or context["unassigned_count"]
            or context["offers_count"]):
        return 0
    context["day"] = today
    queued = 0
    already = TriageDigest.objects.filter(day=today).values("recipient")
    for user in digest_recipients().exclude(pk__in=already):
        try:
            with transaction.atomic():
                TriageDigest.objects.create(day=today, recipient=user)
                queue_email(user.email, "programme/email/triage_digest", context,
                            user.language or settings.LANGUAGE_CODE)
        except IntegrityError:
            continue  # already sent today (another run got there first)
        queued += 1
    return queued


def menu_label_with_count(label, count):
    """"Richieste (3)": the menu's label with the number of new requests, if any."""
    return f"{label} ({count})" if count else str(label)
