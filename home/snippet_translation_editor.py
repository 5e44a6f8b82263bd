"""wagtail-localize's translation editor for a snippet in a workflow, without its 500.

wagtail-localize 1.14.5 (views/edit_translation.py) gives a snippet's editor Wagtail's
plain `StatusSidePanel`, not the snippets' `SnippetStatusSidePanel`: the panel lacks the
snippet's "compare revisions" URL name and workflow history URL, and while the snippet
is in moderation (a translation sent for approval, home/translations.py) its "Status"
panel renders `{% url revisions_compare_url_name … %}` with an empty name, a
NoReverseMatch for Redazione and Approvazione alike. To report upstream: build the
snippet's status panel as Wagtail's snippet edit view does. Here the editor is rendered
with a panel that adds those URLs, read from the snippet's viewset.
"""

import threading
from contextlib import contextmanager

from django.contrib.admin.utils import quote
from django.urls import reverse
from wagtail.admin.ui import side_panels
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin

_PlainStatusSidePanel = side_panels.StatusSidePanel
_swapping = threading.Lock()


class TranslatedSnippetStatusSidePanel(_PlainStatusSidePanel):
    """The status panel of a snippet's translation editor, with what Wagtail's
    SnippetStatusSidePanel takes from the snippet edit view's context."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        viewset = getattr(self.object, "snippet_viewset", None)
        if viewset is None or self.object.pk is None:
            return context
        pk = quote(self.object.pk)
        context.update({
            "revisions_compare_url_name": viewset.get_url_name("revisions_compare"),
            "workflow_history_url": reverse(viewset.get_url_name("workflow_history"),
                                            args=[pk]),
            "revision_enabled": isinstance(self.object, RevisionMixin),
            "draftstate_enabled": isinstance(self.object, DraftStateMixin),
        })
        if isinstance(self.object, LockableMixin):
            context["lock_url"] = reverse(viewset.get_url_name("lock"), args=[pk])
            context["unlock_url"] = reverse(viewset.get_url_name("unlock"), args=[pk])
        context["status_templates"] = self.get_status_templates(context)
        return context


@contextmanager
def _snippet_status_panel():
    # wagtail-localize imports StatusSidePanel from this module when its view runs; Wagtail's
    # own views imported theirs at start-up and keep them. One editor at a time, so that
    # no thread puts the plain panel back while another renders.
    with _swapping:
        side_panels.StatusSidePanel = TranslatedSnippetStatusSidePanel
        try:
            yield
        finally:
            side_panels.StatusSidePanel = _PlainStatusSidePanel


def snippet_translation_editor(request, translation, instance):
    """wagtail-localize's editor of `translation` (a Translation whose target is the
    snippet `instance`), as its before_edit_snippet hook renders it, with a status panel
    that works while the snippet is in a workflow. Returns the HttpResponse."""
    from wagtail_localize.views.edit_translation import edit_translation

    with _snippet_status_panel():
        return edit_translation(request, translation, instance)
