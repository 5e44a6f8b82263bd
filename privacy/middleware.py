"""Views of personal data recorded in the audit trail without the viewing apps knowing
of it: the table of which views count lives in privacy/audit.py (`AUDITED_VIEWS`)."""

from .audit import audited_view


class AccessTrailMiddleware:
    """After the response: a successful GET of an audited view by a signed-in user adds
    one VIEWED line to the trail. After authentication and the admin's access checks, so
    that a refused request (403, 2FA not done) records nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        view = audited_view(request, response)
        if view is not None:
            view.record(request, response)
        return response
