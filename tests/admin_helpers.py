"""What many admin tests need: a Segreteria member, and a user's admin language."""

from django.contrib.auth.models import Group as AuthGroup
from wagtail.users.models import UserProfile


def speaks(user, language):
    """Set `user`'s admin language ("it" or "en"), as their account settings do."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def make_segreteria(django_user_model, username="segreteria"):
    """A staff member of the Segreteria group (triage, seats, attendance sheets)."""
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password="x" * 12,
        is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user
