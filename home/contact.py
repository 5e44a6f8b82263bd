"""The contact form's rules: what is stored, who is told, and in which order."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.utils import get_forms_for_user
from wagtail.contrib.forms.views import (
    FormPageFilterSet,
    FormPagesListView,
    SubmissionsListView,
)
from wagtail.models import Locale, Page

from exports.spreadsheets import SafeSpreadsheetExportMixin
from home.message_handling import original_page
from mail.sending import queue_email
from typed_text.characters import PlainTextFormMixin
from typed_text.phones import readable_phone

PRIVACY_FIELD = "privacy_acknowledgement"
LONG_TEXT_MAX_LENGTH = 2000


def contact_form_class(base):
    """The editors' form plus the privacy acknowledgement every submission needs."""

    class ContactForm(PlainTextFormMixin, base):
        privacy_acknowledgement = forms.BooleanField(
            # An acknowledgement, not consent: the notice's legal basis for the contact
            # form and the problem report is a task in the public interest (art. 6(1)(e)).
            label=_("I have read the privacy notice, which explains how my data are used "
                    "to answer my message."),
            error_messages={"required": _("Please confirm you have read the privacy notice.")},
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                # Wagtail's multi-line fields have no limit of their own.
                if isinstance(field.widget, forms.Textarea) and not field.max_length:
                    field.max_length = LONG_TEXT_MAX_LENGTH
                    field.widget.attrs["maxlength"] = LONG_TEXT_MAX_LENGTH
                    field.validators.append(MaxLengthValidator(LONG_TEXT_MAX_LENGTH))

        def submission_data(self):
            """What is stored: the editors' fields only, plus when the notice was accepted."""
            data = {
                name: value for name, value in self.cleaned_data.items()
                if name in self.editor_field_names
            }
            data["privacy_notice_version"] = settings.PRIVACY_NOTICE_VERSION
            data["privacy_acknowledged_at"] = timezone.now().isoformat()
            data["language"] = get_language()
            return data

    ContactForm.editor_field_names = set(base.base_fields)
    return ContactForm


def store_and_notify(page, form):
    """Store the submission, then queue the mail in the same transaction: if the mail
    server is down the message is still saved, and the worker retries the mail."""
    with transaction.atomic():
        submission = page.get_submission_class().objects.create(
            form_data=form.submission_data(), page=page
        )
        if page.to_address:
            recipients = [address.strip() for address in page.to_address.split(",")]
            queue_email(
                recipients, "home/email/contact_message",
                staff_mail_context(page, form, submission), settings.LANGUAGE_CODE,
                reply_to=sender_email(page, form),
            )
    return submission


def sender_email(page, form):
    """The address the person gave (the first email field's answer), or None: the staff
    mail's Reply-To, so answering the mail answers the person."""
    for field in page.get_form_fields():
        if field.field_type == "email" and form.cleaned_data.get(field.clean_name):
            return form.cleaned_data[field.clean_name]
    return None


def absolute_url(path):
    """`path` ("/it/contatti/") as an address a mail can carry: on the site's base URL
    (settings.WAGTAILADMIN_BASE_URL, the public host in production)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# Within a sentence: Italian writes a language's name in lower case, Django's names of
# languages ("Inglese") are capitalised.
IN_LANGUAGE = {"it": _("in Italian"), "en": _("in English")}


def staff_mail_context(page, form, submission):
    """What the Segreteria's mail says about a message, in the staff's language (the
    default one, settings.LANGUAGE_CODE) whatever language the form was sent in.

    Returns {"page": the original page (its title and subject), "sent_at": «30 novembre
    2026, 01:08» (Milan), "in_language": «in inglese», the form's language, or "" when it
    is the staff's, "answers": [(the original page's label, the answer as text: "—" for
    empty, «Sì/No», lists joined)], "privacy_notice_version", "messages_url": the
    admin's list of messages, absolute}.
    """
    from readable.dates import local_datetime
    from readable.display import EMPTY, display_value, language_name

    original = original_page(page)
    labels = {field.clean_name: field.label for field in original.get_form_fields()}
    with translation.override(settings.LANGUAGE_CODE):
        answers = []
        for name in form.fields:
            if name not in form.editor_field_names:
                continue
            value = form.cleaned_data.get(name)
            if isinstance(value, list | tuple):
                value = ", ".join(str(item) for item in value) or EMPTY
            if isinstance(value, str):
                value = readable_phone(value)  # "+390288447502" as "+39 02 8844 7502"
            answers.append((labels.get(name, form.fields[name].label), display_value(value)))
        written_in = page.locale.language_code
        in_language = IN_LANGUAGE.get(written_in) or language_name(written_in)
        return {
            "page": original,
            "sent_at": local_datetime(submission.submit_time),
            "in_language": str(in_language) if written_in != original.locale.language_code
            else "",
            "answers": answers,
            "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
            "messages_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
                "wagtailforms:list_submissions", args=[original.pk]),
        }


def original_form_pages(form_pages):
    """Of `form_pages`, those whose messages are listed: each page in the default
    language, and a page with no original in it. A translation's messages are listed
    with its original's (ContactPage.get_submissions), never apart."""
    default = Locale.get_default()
    originals = Page.objects.filter(locale=default).values("translation_key")
    return form_pages.filter(Q(locale=default) | ~Q(translation_key__in=originals))


class ContactSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """The Segreteria's one list of messages, every language's, each with the language it
    was sent in; its CSV and XLSX files are safe to open."""

    page_title = _("Messages")
    template_name = "home/contact_messages.html"
    results_template_name = "home/contact_messages_results.html"

    @property
    def filterset_class(self):
        from .message_handling import MessagesFilterSet

        return MessagesFilterSet

    def dispatch(self, request, *args, **kwargs):
        # A translation's address shows its original's list: the same one list.
        kwargs["form_page"] = original_page(kwargs["form_page"])
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(
            "handling__handled_by", "handling__reopened_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Addresses and numbers the Segreteria can click: mailto: and tel: (formatted).
        from readable.display import email_link, phone_link

        links = {"email": email_link, "phone": phone_link}
        kinds = {field.clean_name: field.field_type
                 for field in self.form_page.get_form_fields()}
        names = [name for name, _label in self.form_page.get_data_fields()]
        for row in context.get("data_rows", []):
            row["fields"] = [
                links[kinds[name]](value) if kinds.get(name) in links and value else value
                for name, value in zip(names, row["fields"], strict=False)
            ]
        if not self.is_export:
            self.add_handling_column(context)
        return context

    # The export says what the list says: handled or not, by whom, when.
    HANDLING_EXPORT = {"handled": _("Handled"), "handled_by": _("Handled by"),
                       "handled_at": _("Handled at")}

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            self.list_export = [*self.list_export, *self.HANDLING_EXPORT]
            self.export_headings = {**self.export_headings, **self.HANDLING_EXPORT}
        return super().render_to_response(context, **response_kwargs)

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        if "handled" not in self.list_export:
            return row
        from readable.display import person_name

        handling = getattr(item, "handling", None)
        handled = bool(handling and handling.handled)
        row["handled"] = handled
        row["handled_by"] = person_name(handling.handled_by) if handled else ""
        row["handled_at"] = handling.handled_at if handled else None
        return row

    def add_handling_column(self, context):
        """Whether each message is handled, by whom and when, with a button to change it."""
        from .message_handling import handling_cell

        context["data_headings"].append({"name": "handling", "label": _("Handled"),
                                         "order": None})
        for row, submission in zip(context["data_rows"], context["submissions"],
                                   strict=False):
            row["fields"].append(handling_cell(submission, context["next_url"]))

    def get_page_title(self):
        # The problem reports' list uses this view too: its page names what it holds
        # (ProblemReportPage.submissions_heading).
        heading = getattr(self.form_page.specific, "submissions_heading", None)
        return str(heading) if heading else gettext("Messages")

    def get_page_subtitle(self):
        # Not the Italian page's title («Messaggi: Contattaci»): the list holds both
        # languages' messages.
        return gettext("every language")

    def get_breadcrumbs_items(self):
        # The menu calls this list "Messages" and leads straight here (no list of forms).
        return self.breadcrumbs_items + [
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class OriginalFormPagesFilterSet(FormPageFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only originals are listed, each with every language's messages.
        self.filters.pop("locale", None)


class FormsIndexView(FormPagesListView):
    """Wagtail's list of forms, open to whoever may read a form's messages (the
    Segreteria), not only to those who may edit pages; it lists originals only."""

    any_permission_required = None
    filterset_class = OriginalFormPagesFilterSet

    def dispatch(self, request, *args, **kwargs):
        if not get_forms_for_user(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def messages_list_page(user, page_type="home.ContactPage"):
    """The form page ("app_label.ModelName") whose one list of messages `user` reads —
    the first original of that type they may see — or None."""
    from django.apps import apps

    return get_forms_for_user(user).type(apps.get_model(page_type)).order_by("path").first()


def contact_messages_view(request, page_type="home.ContactPage"):
    """The admin menu's "Messages" (and "Problem reports", page_type
    "home.ProblemReportPage"): straight to the one list of that form page's messages,
    every language's."""
    page = messages_list_page(request.user, page_type)
    if page is None:
        raise PermissionDenied
    return redirect("wagtailforms:list_submissions", page.pk)
