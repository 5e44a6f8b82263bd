from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import is_triage_staff
from worker.views import QueueView


@hooks.register("register_admin_urls")
def register_queue_url():
    return [path("queue/", QueueView.as_view(), name="worker_queue")]


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return is_triage_staff(request.user)


@hooks.register("register_reports_menu_item")
def register_queue_menu_item():
    return QueueMenuItem(_("Message queue"), reverse("worker_queue"), name="message-queue",
                         icon_name="mail", order=900)
