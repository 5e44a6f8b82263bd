"""The Segreteria makes facilitators' accounts (issue 20: "A facilitator role").

A facilitator is a user in the auth group accounts.roles.FACILITATOR_GROUP, with no
staff flag and no permission: Wagtail's admin refuses them (accounts.middleware answers
its 403 page). Their email is allauth's verified primary address (the Segreteria vouches
for it: stack notes, "Users made by … Wagtail's user admin have no EmailAddress row").
They choose their password from a link mailed in their language (Django's password-reset
token, allauth's "reset password from key" page): no password is ever typed or sent by
the Segreteria.
"""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from accounts.roles import FACILITATOR_GROUP
from mail.links import site_url
from mail.sending import queue_email

from .models import FacilitatorAssignment


def facilitators():
    """Every facilitator (active or not), by last then first name, each with
    `.facilitated` the canonical groups they run (prefetched): two queries."""
    from django.db.models import Prefetch

    return (get_user_model().objects.filter(groups__name=FACILITATOR_GROUP)
            .order_by("last_name", "first_name", "pk")
            .prefetch_related(Prefetch(
                "facilitated_groups",
                FacilitatorAssignment.objects.select_related("group").order_by("group__name"),
                to_attr="facilitated")))


def set_password_url(user):
    """The absolute address where `user` chooses a password, in their language: allauth's
    reset-from-key page with a Django token (valid PASSWORD_RESET_TIMEOUT seconds, void
    once a password is set)."""
    with translation.override(user.language):
        path = reverse("account_reset_password_from_key", kwargs={
            "uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})
    return site_url(path)


def create_facilitator(*, first_name, last_name, email, language, groups, by):
    """Make a facilitator: an active user with an unusable password in FACILITATOR_GROUP,
    a verified primary EmailAddress, linked to `groups` (canonical groups), and queue
    the welcome mail (in `language`, "it" or "en") with the link to choose a password.
    One transaction. Returns the user. The email must be free (the form checks it)."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=email, email=email, first_name=first_name, last_name=last_name,
            language=language, password=None)
        user.groups.add(AuthGroup.objects.get(name=FACILITATOR_GROUP))
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        set_groups(user, groups, by=by)
        queue_email(email, "facilitation/email/welcome",
                    {"user": user, "set_password_url": set_password_url(user)}, language)
    return user


def set_groups(user, groups, *, by):
    """Link `user` to exactly `groups` (canonical groups): new links record `by`."""
    wanted = {group.pk for group in groups}
    with transaction.atomic():
        FacilitatorAssignment.objects.filter(user=user).exclude(group__in=wanted).delete()
        have = set(FacilitatorAssignment.objects.filter(user=user)
                   .values_list("group_id", flat=True))
        FacilitatorAssignment.objects.bulk_create(
            FacilitatorAssignment(user=user, group_id=pk, assigned_by=by)
            for pk in sorted(wanted - have))


def set_active(user, active):
    """Deactivate (`active` False) or reactivate a facilitator. A deactivated one cannot
    sign in (Django refuses inactive users) and keeps their groups for when they return;
    the registers they filled in keep their name."""
    user.is_active = bool(active)
    user.save(update_fields=["is_active"])
