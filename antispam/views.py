"""The ALTCHA challenge endpoint, and a rate-limited FormView mixin for the public forms."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from antispam.altcha import create_challenge
from antispam.forms import log_refusal
from antispam.rate_limit import rate_limit, too_many_requests

CHALLENGE_SCOPE = "altcha-challenge"


@never_cache
@require_GET
def challenge(request):
    """A fresh proof-of-work challenge as JSON (the widget fetches one per form display)."""
    limited = rate_limit(
        request,
        CHALLENGE_SCOPE,
        settings.ALTCHA_CHALLENGE_RATE_LIMIT,
        settings.ALTCHA_CHALLENGE_RATE_PERIOD,
    )
    if limited:
        log_refusal("rate_limited", CHALLENGE_SCOPE, request)
        return too_many_requests(JsonResponse({"error": "rate_limited"}), limited)
    return JsonResponse(create_challenge())


class SpamProtectedFormViewMixin:
    """For a `FormView` (or `CreateView`) whose form mixes in `SpamProtectedForm`.

    Gives the form the request (for the logged IP hash) and answers a POST over the
    per-IP rate limit with the form re-shown, a message and HTTP 429 (Retry-After),
    without validating or saving anything. `spam_form_name` defaults to the form's own.
    """

    spam_form_name = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def post(self, request, *args, **kwargs):
        if not hasattr(self, "object"):  # CreateView's context expects it
            self.object = None
        form = self.get_form()
        limited = rate_limit(request, self.spam_form_name or form.spam_form_name)
        if limited:
            form.refuse_rate_limited(limited)
            response = self.render_to_response(self.get_context_data(form=form))
            return too_many_requests(response, limited)
        return super().post(request, *args, **kwargs)
