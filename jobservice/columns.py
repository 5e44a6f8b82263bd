"""The columns of the job service's export, Italian names first, English ones accepted
(the table on the upload screen and in the README comes from COLUMNS)."""

import unicodedata

from django.utils.translation import gettext_lazy as _

# (key, Italian header, English header, required, what it holds, example)
COLUMNS = [
    ("first_name", "nome", "first name", True, _("First name."), "Mario"),
    ("last_name", "cognome", "last name", True, _("Last name."), "Rossi"),
    ("tax_code", "codice fiscale", "tax code", False,
     _("Italian tax code: checked, used only to recognise the same person (a keyed "
       "digest is kept, never the code)."), "RSSMRA85T10A562S"),
    ("email", "email", "email", False, _("Email address (an email or a phone is needed)."),
     "mario.rossi@example.org"),
    ("phone", "telefono", "phone", False, _("Phone number, Italian or international."),
     "333 123 4567"),
    ("employment_status", "condizione", "situation", True,
     _("Employment situation: disoccupato, inoccupato, cassa integrazione or altro "
       "(or unemployed, never employed, wage support, other)."), "disoccupato"),
    ("situation_since", "dal", "since", True,
     _("Since when: month and year (mm/yyyy) or a date."), "03/2025"),
    ("preferred_venue", "sede preferita", "preferred venue", False,
     _("Optional: the name of a venue as the site shows it."), ""),
    ("language", "lingua", "language", False,
     _("Optional: it or en (italiano, inglese); Italian when empty."), "it"),
]
REQUIRED = [key for key, _it, _en, required, _help, _example in COLUMNS if required]
# Other spellings seen in exports.
ALIASES = {"e-mail": "email", "mail": "email", "cellulare": "phone", "tel": "phone",
           "cf": "tax_code", "c.f.": "tax_code", "codicefiscale": "tax_code",
           "condizione occupazionale": "employment_status", "stato": "employment_status",
           "employment status": "employment_status", "sede": "preferred_venue",
           "nome di battesimo": "first_name", "surname": "last_name",
           "first_name": "first_name", "last_name": "last_name"}


def header_key(text):
    """The column key of a header cell ("Codice Fiscale " -> "tax_code"), or None."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = " ".join(folded.lower().replace("_", " ").split())
    for key, italian, english, *_rest in COLUMNS:
        if folded in (italian, english):
            return key
    return ALIASES.get(folded) or ALIASES.get(folded.replace(" ", "_"))


def example_rows():
    """The example file's rows: the header (Italian) and three fictional people."""
    header = [italian for _key, italian, *_rest in COLUMNS]
    people = [
        ["Mario", "Rossi", "RSSMRA85T10A562S", "mario.rossi@example.org", "333 123 4567",
         "disoccupato", "03/2025", "", "it"],
        ["Luigi", "Verdi", "VRDLGU80A01F205T", "", "+39 02 884 47502", "cassa integrazione",
         "11/2024", "", "it"],
        ["Sofia", "Esposito", "ESPSFO95H45F205C", "sofia.esposito@example.org", "",
         "inoccupato", "2025-01-15", "", "en"],
    ]
    return [header, *people]
