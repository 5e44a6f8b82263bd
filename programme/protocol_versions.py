"""The protocol's versions: which one is current, where each PDF is, who must be told.

A version is a `ProtocolVersion` row on the protocol page (number, date, PDF). A new one
goes live when the page's revision that adds it is approved and published (the page is
under the "Revisione e approvazione" workflow); until then it is only in a draft. The
newest version (latest date; on the same date, the row added last) is the current one.

Addresses (the page's routes, in the page's language):
- the current version: /it/protocollo/protocollo.pdf, /en/protocol/protocol.pdf — one
  address to share, whatever version comes next;
- each version: /it/protocollo/versioni/<number>.pdf, /en/protocol/versions/<number>.pdf.

A version is the same document in every language: the English page shows and serves the
versions of its live Italian original, so both languages always agree on the current one.
"""

from django.conf import settings
from django.db import transaction
from django.http import Http404
from wagtail.documents.views.serve import serve as serve_document

from mail.links import page_site_url


def _original(page):
    """The live page in the default language `page` translates (or `page` itself)."""
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page
    # get_translations() queries the page's own class: no import of the page models,
    # which call this module from their routes.
    original = (page.get_translations().live()
                .filter(locale__language_code=settings.LANGUAGE_CODE).first())
    return original or page


def versions_of(page):
    """The versions of the protocol `page` (either language) shows, newest first: a list of
    ProtocolVersion. A page object built from a draft (a preview) gives its draft's."""
    rows = list(_original(page).versions.all())
    return sorted(rows, key=lambda v: (v.date, v.sort_order or 0, v.pk or 0), reverse=True)


def current_version(page):
    """The version in force on `page` (a ProtocolVersion), or None when it has none."""
    versions = versions_of(page)
    return versions[0] if versions else None


def _serve(request, version):
    document = version.document
    # Wagtail's own view: its privacy checks, hooks, caching headers and CSP for files.
    return serve_document(request, document.pk, document.filename)


def serve_current(page, request):
    """The current version's PDF, at the page's fixed address (404 without a version)."""
    version = current_version(page)
    if version is None:
        raise Http404
    return _serve(request, version)


def serve_version(page, request, number):
    """The PDF of version `number` (as in its address), or 404."""
    for version in versions_of(page):
        if version.number == number:
            return _serve(request, version)
    raise Http404


def current_pdf_address(page):
    """The fixed address of the current PDF on `page`, relative ("/it/protocollo/…")."""
    return page.url + page.reverse_subpage("current_pdf")


def version_pdf_address(page, version):
    """The address of `version`'s PDF on `page` (a page of either language), relative."""
    return page.url + page.reverse_subpage("version_pdf", args=[version.number])


def _page_in(page, language):
    """The live translation of the protocol `page` in `language`, else `page`."""
    return (page.get_translations(inclusive=True).live()
            .filter(locale__language_code=language).first()) or page


def tell_partners_of_new_version(page):
    """Queue a mail to every organisation whose adhesion (pending or approved) accepted
    another version than the current one of `page`, once per version: each adhesion
    records the version it was last told of (Adhesion.told_of_version). Returns how many
    adhesions were told. Called when the protocol page is published (programme.apps).

    The mail goes to the organisation and to the person who sent the adhesion, in that
    person's language (Italian without one), with the fixed address of the current PDF
    and the page in that language.
    """
    from programme.adhesion_mail import notify_organisation
    from programme.models.adhesions import Adhesion

    version = current_version(_original(page))
    if version is None:
        return 0
    told = 0
    with transaction.atomic():
        adhesions = (
            Adhesion.objects.select_for_update(of=("self",))
            .filter(status__in=[Adhesion.Status.PENDING, Adhesion.Status.APPROVED])
            .exclude(protocol_version=version.number)
            .exclude(told_of_version=version.number)
            .select_related("organisation", "submitted_by")
        )
        for adhesion in adhesions:
            user = adhesion.submitted_by
            language = user.language if user is not None else settings.LANGUAGE_CODE
            shown = _page_in(page, language)
            notify_organisation(adhesion, "protocol_new_version", extra={
                "version": version,
                "pdf_url": page_site_url(shown) + shown.reverse_subpage("current_pdf"),
                "page_url": page_site_url(shown),
            })
            adhesion.told_of_version = version.number
            adhesion.save(update_fields=["told_of_version"])
            told += 1
    return told



def _on_publish(sender, instance, **kwargs):
    # Inside the publication's transaction: the notices are queued with it, or not at all.
    tell_partners_of_new_version(instance)


def connect(protocol_page_class):
    """Tell partners when a page of `protocol_page_class` (ProtocolPage) is published
    (called from ProgrammeConfig.ready, so publications by the worker or a management
    command tell them too)."""
    from wagtail.signals import page_published

    page_published.connect(_on_publish, sender=protocol_page_class,
                           dispatch_uid="programme.protocol_versions.tell_partners")
