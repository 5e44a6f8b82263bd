from wagtail import hooks

from .adhesion_admin import AdhesionViewSet
from .triage import ParticipationRequestViewSet


@hooks.register("register_admin_viewset")
def register_participation_requests():
    return ParticipationRequestViewSet()


@hooks.register("register_admin_viewset")
def register_adhesions():
    return AdhesionViewSet()
