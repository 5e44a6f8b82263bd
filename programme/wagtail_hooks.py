from wagtail import hooks

from .adhesion_admin import AdhesionViewSet
from .dashboard import panels_for
from .triage import ParticipationRequestViewSet


@hooks.register("register_admin_viewset")
def register_participation_requests():
    return ParticipationRequestViewSet()


@hooks.register("register_admin_viewset")
def register_adhesions():
    return AdhesionViewSet()


@hooks.register("construct_homepage_panels")
def add_segreteria_panels(request, panels):
    panels[:0] = panels_for(request.user)
