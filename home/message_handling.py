"""Contact messages the Segreteria has handled: the flag, who set it and when.

A message is "handled" when someone of the Segreteria has answered it or decided it needs
no answer; the list of messages shows those not handled yet unless asked otherwise.
"""

import django_filters
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.contrib.forms.utils import get_forms_for_user
from wagtail.contrib.forms.views import SubmissionsListFilterSet
from wagtail.models import Locale

from readable.dates import local_datetime
from readable.display import person_name


def original_page(page):
    """The page whose list holds `page`'s messages: its default-language original, if any."""
    return page.get_translation_or_none(Locale.get_default()) or page


HANDLED = "handled"
NOT_HANDLED = "not_handled"
EVERY = "all"


def mark_handled(submission, *, by):
    """Record that `by` (a user) handled `submission` (a FormSubmission) now.

    Returns the MessageHandling row. Marking a handled message again keeps the first
    person and time: the record says who handled it, not who clicked last.
    """
    # By name: home.models imports this module (through contact.py) for its list view.
    MessageHandling = apps.get_model("home", "MessageHandling")

    with transaction.atomic():
        handling, _created = MessageHandling.objects.select_for_update().get_or_create(
            submission_id=submission.pk)
        if not handling.handled:
            handling.handled = True
            handling.handled_by = by
            handling.handled_at = timezone.now()
            handling.save()
    return handling


def mark_not_handled(submission, *, by):
    """Reopen `submission`: not handled any more, with who reopened it and when (the
    previous handler is cleared, the reopening recorded). Returns the MessageHandling row."""
    # By name: home.models imports this module (through contact.py) for its list view.
    MessageHandling = apps.get_model("home", "MessageHandling")

    with transaction.atomic():
        handling, _created = MessageHandling.objects.select_for_update().get_or_create(
            submission_id=submission.pk)
        if handling.handled or _created:
            handling.handled = False
            handling.handled_by = None
            handling.handled_at = None
            handling.reopened_by = by
            handling.reopened_at = timezone.now()
            handling.save()
    return handling


def not_handled_q():
    """Messages nobody has handled: no record, or reopened."""
    return Q(handling__isnull=True) | Q(handling__handled=False)


def handling_text(submission):
    """What the list says about a message's handling, in the active language:
    «Gestito da Marta Colombo, 30 novembre 2026, 09:12», «Da gestire» or «Da gestire
    (riaperto da …, …)». Reads `submission.handling` (select_related it)."""
    handling = getattr(submission, "handling", None)
    if handling is not None and handling.handled:
        return gettext("Handled by %(person)s, %(when)s") % {
            "person": person_name(handling.handled_by),
            "when": local_datetime(handling.handled_at)}
    if handling is not None and handling.reopened_at:
        return gettext("To handle (reopened by %(person)s, %(when)s)") % {
            "person": person_name(handling.reopened_by),
            "when": local_datetime(handling.reopened_at)}
    return gettext("To handle")


def _with_handling(submission, handling):
    submission.handling = handling
    return submission


def handling_cell(submission, next_url):
    """The list's cell: the state and a button for the other state. The button belongs to
    a form rendered after the table (attribute form=), since the table sits inside
    Wagtail's own form for deleting messages."""
    handled = bool(getattr(submission, "handling", None) and submission.handling.handled)
    label = gettext("Mark as not handled") if handled else gettext("Mark as handled")
    return format_html(
        '{} <button type="submit" form="handling-{}" class="button button-small '
        'button-secondary" name="handled" value="{}">{}</button>',
        handling_text(submission), submission.pk, "0" if handled else "1", label)


class MessagesFilterSet(SubmissionsListFilterSet):
    handled = django_filters.ChoiceFilter(
        label=_("Handled"), method="filter_handled", empty_label=None,
        choices=[(NOT_HANDLED, _("Not handled")), (HANDLED, _("Handled")),
                 (EVERY, _("All messages"))])

    def __init__(self, data=None, *args, **kwargs):
        # Not handled unless asked otherwise: what waits for the Segreteria comes first.
        if data is not None and not data.get("handled"):
            data = data.copy()
            data["handled"] = NOT_HANDLED
        super().__init__(data, *args, **kwargs)

    def filter_handled(self, queryset, name, value):
        if value == HANDLED:
            return queryset.filter(handling__handled=True)
        if value == EVERY:
            return queryset
        return queryset.filter(not_handled_q())


@require_POST
def set_handling_view(request, pk):
    """POST handled=1 or 0 for message `pk`; back to the list (`next`) with a message.
    Only someone who may read the message's list may change it."""
    from wagtail.contrib.forms.models import FormSubmission

    submission = get_object_or_404(FormSubmission.objects.select_related("page"), pk=pk)
    page = original_page(submission.page.specific)
    if not get_forms_for_user(request.user).filter(pk=page.pk).exists():
        raise PermissionDenied
    value = request.POST.get("handled")
    if value == "1":
        handling = mark_handled(submission, by=request.user)
        if handling.handled_by_id == request.user.pk:
            messages.success(request, gettext("The message is marked as handled."))
        else:
            # Another tab or another clerk got there first: say who, not "done".
            messages.info(request, gettext("This message was already handled: %(state)s.")
                          % {"state": handling_text(_with_handling(submission, handling))})
    elif value == "0":
        mark_not_handled(submission, by=request.user)
        messages.success(request, gettext("The message is marked as not handled."))
    else:
        messages.error(request, gettext("Choose whether the message is handled."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = None
    return redirect(next_url or "wagtailforms:list_submissions", *([] if next_url else [page.pk]))
