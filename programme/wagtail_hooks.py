from wagtail import hooks

from .triage import ParticipationRequestViewSet


@hooks.register("register_admin_viewset")
def register_participation_requests():
    return ParticipationRequestViewSet()
