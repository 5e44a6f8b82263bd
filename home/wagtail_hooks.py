from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from . import slugs  # noqa: F401  (the admin's slug fields accept ASCII only)
from .contact import FormsIndexView, contact_messages_view, messages_list_page
from .message_handling import set_handling_view


# Before wagtail.contrib.forms' own URLs, so that its list of forms is this one.
@hooks.register("register_admin_urls", order=-1)
def register_contact_messages_urls():
    return [
        path("messages/", contact_messages_view, name="contact_messages"),
        path("problem-reports/", contact_messages_view,
             {"page_type": "home.ProblemReportPage"}, name="problem_reports"),
        path("messages/<int:pk>/handling/", set_handling_view,
             name="contact_message_handling"),
        path("forms/", FormsIndexView.as_view(), name="contact_forms_index"),
        path("forms/results/", FormsIndexView.as_view(results_only=True),
             name="contact_forms_index_results"),
    ]


class ContactMessagesMenuItem(MenuItem):
    """Leads to the list of the messages of `page_type` at the list's own address: Wagtail's
    sidebar highlights the item whose URL starts the current address, and the short
    address (/admin/messages/) only redirects there."""

    page_type = "home.ContactPage"

    def list_page(self, request):
        # Asked twice per admin page (is_shown, render_component): once per request.
        pages = request.__dict__.setdefault("_messages_list_pages", {})
        if self.page_type not in pages:
            pages[self.page_type] = messages_list_page(request.user, self.page_type)
        return pages[self.page_type]

    def is_shown(self, request):
        return self.list_page(request) is not None

    def render_component(self, request):
        # Menu items are cached across requests: the URL is not stored on self.
        page = self.list_page(request)
        url = reverse("wagtailforms:list_submissions", args=[page.pk]) if page else self.url
        return LinkMenuItemComponent(self.name, self.label, url, icon_name=self.icon_name,
                                     classname=self.classname, attrs=self.attrs)


class ProblemReportsMenuItem(ContactMessagesMenuItem):
    page_type = "home.ProblemReportPage"


@hooks.register("register_admin_menu_item")
def register_contact_messages_menu_item():
    return ContactMessagesMenuItem(_("Messages"), reverse("contact_messages"),
                                   name="contact-messages", icon_name="mail", order=170)


@hooks.register("register_admin_menu_item")
def register_problem_reports_menu_item():
    """«Segnalazioni di disservizio», next to "Messages": the same list and handling. The
    menu's label is short («Disservizi»: the sidebar cuts longer ones), the list's heading
    full."""
    return ProblemReportsMenuItem(pgettext_lazy("admin menu", "Problem reports"),
                                  reverse("problem_reports"),
                                  name="problem-reports", icon_name="warning", order=171)


@hooks.register("construct_main_menu")
def hide_forms_menu_item(request, menu_items):
    """"Messages" replaces Wagtail's "Forms", one click nearer the messages; the list of
    forms stays at its address (FormsIndexView)."""
    menu_items[:] = [item for item in menu_items if item.name != "forms"]


# Before wagtail-localize's own hook, which answers every request for a translated page
# with its translation editor (home/translations.py).
@hooks.register("before_edit_page", order=-1)
def translation_goes_live_only_when_complete_and_approved(request, page):
    from .translations import translation_editor_post

    return translation_editor_post(request, page)


# The same for groups, venues and contact details (draft-state snippets under the
# workflow), before wagtail-localize's before_edit_snippet answers with its editor.
@hooks.register("before_edit_snippet", order=-1)
def snippet_translation_goes_live_only_when_complete_and_approved(request, instance):
    from .snippet_translation_editor import snippet_translation_editor
    from .translations import moderated_snippet, target_translation, translation_editor_post

    if not moderated_snippet(instance):
        return None
    response = translation_editor_post(request, instance)
    if response is not None or request.method != "GET":
        return response
    translation = target_translation(instance)
    if translation is None:
        return None
    return snippet_translation_editor(request, translation, instance)


# In front of wagtail-localize's own address for it (its URLs are registered later).
@hooks.register("register_admin_urls", order=-2)
def register_update_translations_without_publishing():
    from .translations import update_translations_view

    return [path("localize/update/<int:translation_source_id>/", update_translations_view(),
                 name="update_translations_without_publishing")]
