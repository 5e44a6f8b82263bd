"""Who may read the outcomes dashboard: the Segreteria, superusers, and any group given
the permission "outcomes.view_outcomes" (e.g. the City's officers), which staff grant on
the group's screen in Wagtail's "Settings → Groups" ("Other permissions").

The permission is declared in `OutcomesPage.Meta.permissions` (outcomes.models; made by
Django after migrate like any model permission, and by migration outcomes 0002, which
moved the grants of the earlier model-less permission): under a model's content type,
`remove_stale_contenttypes` keeps it."""

from django.contrib.auth.models import Permission

from accounts.roles import is_triage_staff

APP_LABEL = "outcomes"
CODENAME = "view_outcomes"
VIEW_OUTCOMES = f"{APP_LABEL}.{CODENAME}"


def can_view_outcomes(user):
    """True for an active Segreteria member, a superuser, or a user holding
    VIEW_OUTCOMES through a group or directly."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_triage_staff(user) or user.has_perm(VIEW_OUTCOMES)


def outcomes_permissions():
    """The permissions Wagtail's group screen offers (register_permissions hook)."""
    return Permission.objects.filter(content_type__app_label=APP_LABEL,
                                     content_type__model="outcomespage", codename=CODENAME)
