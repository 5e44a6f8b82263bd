"""Links to documents that outlive a replaced file.

Wagtail serves a document at /documents/<id>/<file name> and answers 404 when the name is
not the document's current one: replacing a document's file (the new file keeps the id,
not the name) broke every link already shared, printed or mailed. Here a link whose name
is an older one is redirected to the document's current address; the rest is Wagtail's
own view, with its privacy checks. A document in a private collection is not redirected:
the redirect would tell its current name to anybody.
"""

from django.http import Http404
from django.shortcuts import redirect
from wagtail.documents import get_document_model
from wagtail.documents.views.serve import serve

from typed_text.parameters import is_ascii_number


def serve_or_redirect(request, document_id, document_filename):
    """Wagtail's `serve`, or a 302 to the document's address when only the name differs
    (temporary: the document may be replaced again)."""
    if not is_ascii_number(document_id):  # "²", a 30-digit number: no such document
        raise Http404
    document = get_document_model().objects.filter(pk=document_id).first()
    if (document is not None and document.filename != document_filename
            and not document.collection.get_view_restrictions().exists()):
        return redirect(document.url)
    return serve(request, document_id, document_filename)
