from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from .organisations import membership_of


def partner_required(view):
    """A signed-in member of an organisation; `request.membership` is theirs.

    Someone signed in without an organisation is sent to register one. Partner pages are
    personal: never stored by a browser or a proxy.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.membership = membership_of(request.user)
        if request.membership is None:
            return redirect("accounts:organisation_create")
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))
