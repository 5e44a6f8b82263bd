"""No autosave on the admin's "create" forms (Wagtail 7.4.4).

Wagtail autosaves a form being filled in every WAGTAIL_AUTOSAVE_INTERVAL ms. On a create
form the first autosave creates the object; a click on "Pubblica" while that request is
still on its way posts the same form to the create address again, and two objects are
made: a timed walk-through (issue 13) created a group twice, one published and one an
orphan draft that the Segreteria's group choice then offered. Pages are exposed the same
way (the second one fails on its slug, with a confusing message).

Until upstream fixes the race (reported: "autosave on create views races the submit
button and creates a duplicate"), create forms are not autosaved; edit forms, where an
autosave only adds a revision of the same object, still are. `install` wraps the two
create views' `get_context_data` (the page view decides in `dispatch`, the
generic one in `setup`: the context is where both tell the form);
tests/test_admin_autosave.py checks both kinds of form.
"""

_installed = False


def _without_autosave(view_class):
    original = view_class.get_context_data

    def get_context_data(self, *args, **kwargs):
        self.autosave_enabled = False
        context = original(self, *args, **kwargs)
        context["autosave_enabled"] = False
        return context

    view_class.get_context_data = get_context_data


def install():
    """Turn autosave off on the page and generic (snippet) create views, once."""
    global _installed
    if _installed:
        return
    from wagtail.admin.views.generic.models import CreateView
    from wagtail.admin.views.pages.create import CreateView as PageCreateView

    _without_autosave(CreateView)
    _without_autosave(PageCreateView)
    _installed = True
