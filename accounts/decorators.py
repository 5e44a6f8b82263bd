from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .organisations import membership_of
from .roles import is_facilitator


def facilitator_refused(request):
    """The 403 page for a facilitator (City staff) who opens the partner area, or None.

    A facilitator's account is made by the Segreteria for the groups they run: it never
    registers an organisation, joins one or refers people."""
    if not is_facilitator(request.user):
        return None
    return render(request, "accounts/partner_forbidden.html", status=403)


def partner_required(view):
    """A signed-in member of an organisation; `request.membership` is theirs.

    Someone signed in without an organisation is sent to register one. Partner pages are
    personal: never stored by a browser or a proxy.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refused = facilitator_refused(request)
        if refused is not None:
            return refused
        request.membership = membership_of(request.user)
        if request.membership is None:
            return redirect("accounts:organisation_create")
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))
