"""The Italian tax code (codice fiscale) of a person from the job service's export, which
the site never stores: only a keyed digest of it, to recognise the same person in a later
import (the issue 20 brief; GDPR art. 5(1)(c), data minimisation).

The digest is HMAC-SHA256 (django.utils.crypto.salted_hmac) of the normalised code, keyed
by a key derived from SECRET_KEY and the salt below: without the server's secret a
digest cannot be reversed by trying every code (there are few enough to try). Changing
SECRET_KEY makes old digests match nothing: duplicates by tax code are then found again
only for requests imported after the change (email and phone still match).
Production refuses to start without a SECRET_KEY of its own (website.settings).
"""

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

SALT = "jobservice.tax_codes.digest"
INVALID_TAX_CODE = _("This is not a valid Italian tax code (16 characters, e.g. "
                     "RSSMRA85T10A562S).")


def normalise_tax_code(value):
    """`value` ("rssmra 85t10 a562s") compact, upper case and checked (python-stdnum's
    it.codicefiscale: length, pattern, check letter; "omocodia" variants accepted):
    "RSSMRA85T10A562S". Raises ValidationError (code "bad_tax_code") otherwise. A
    company's 11-digit number is refused: the export lists people."""
    try:
        code = codicefiscale.validate(value)
    except StdnumError:
        raise ValidationError(INVALID_TAX_CODE, code="bad_tax_code") from None
    if len(code) != 16:
        raise ValidationError(INVALID_TAX_CODE, code="bad_tax_code")
    return code


def tax_code_digest(code):
    """The 64 hex characters stored as ParticipationRequest.tax_code_digest for a code
    already normalised by `normalise_tax_code`."""
    return salted_hmac(SALT, code, algorithm="sha256").hexdigest()
