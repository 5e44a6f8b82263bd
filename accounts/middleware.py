"""Who may enter the Wagtail admin, checked before Wagtail sees the request.

Wagtail answers a signed-in user without the `wagtailadmin.access_admin` permission (a
partner) with a redirect to the login page; allauth, for a signed-in user, does not
show a login form, so the two would bounce the browser between them. Here such a user
gets a 403 page that says where to go instead.

Staff with admin access must also have two-factor authentication (an authenticator
app, TOTP): without one they are sent to allauth's set-up page first. allauth then asks
for the code at every sign-in. `ADMIN_MFA_REQUIRED = False` (the test settings) turns
that rule off for tests that sign a user in with `client.force_login`.
"""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .roles import is_facilitator

# Where the middleware keeps the admin URL a staff member asked for while sent to set
# up two-factor authentication (the recovery codes page links back to it).
ADMIN_NEXT_SESSION_KEY = "admin_mfa_next"


def has_admin_access(user):
    return user.is_active and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AdminAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # "/admin/" from the URLconf, worked out on the first request.
        self.admin_prefix = SimpleLazyObject(lambda: reverse("wagtailadmin_home"))

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        path = request.path_info
        if not path.startswith(str(self.admin_prefix)):
            return None
        # /admin/login/ only redirects to allauth's login (website/urls.py).
        if path.startswith(f"{self.admin_prefix}login/"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # Wagtail sends anonymous visitors to allauth's login
        if not has_admin_access(user):
            return render(
                request,
                "accounts/admin_forbidden.html",
                {"admin_path": request.get_full_path(), "is_facilitator": is_facilitator(user)},
                status=403,
            )
        if getattr(settings, "ADMIN_MFA_REQUIRED", True) and not has_totp(user):
            next_url = request.get_full_path() if request.method == "GET" else str(
                self.admin_prefix)
            request.session[ADMIN_NEXT_SESSION_KEY] = next_url
            messages.info(
                request,
                _("The administration needs two-factor authentication: set up an "
                  "authenticator app on your phone to continue."),
            )
            url = reverse("mfa_activate_totp")
            return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}")
        request.session.pop(ADMIN_NEXT_SESSION_KEY, None)
        return None
