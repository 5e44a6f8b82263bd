"""Plain text from what people type: no control characters, no bidirectional controls.

Text is cleaned before a form validates it (`PlainTextFormMixin`), so a field holding
nothing else is empty and required like any empty field; typed_text.editor_text cleans again what
editors type and every own model before it is stored.
"""

import re

from django import forms
from django.http import QueryDict

# Unicode's Bidi_Control characters (PropList.txt): ALM U+061C, LRM/RLM U+200E–U+200F,
# the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069. An override
# shows "Rossi\u202egpj.exe" as "Rossiexe.jpg" and turns the rest of an admin screen's
# line around (Trojan Source, CVE-2021-42574). The marks (ALM, LRM, RLM) cannot reverse
# anything, but the site's languages are Italian and English, where no mark is needed,
# and "Rossi" with a mark is a second "Rossi" that looks the same: they go too.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Unicode's control characters (C0 but tab and line breaks, DEL, C1) and the
# bidirectional controls: invisible, meaningless in a form, and the C0 ones refused by
# spreadsheet files (an export holding one would fail).
CONTROL_CHARACTERS = re.compile(
    rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f{BIDI_CONTROLS}]")
# A terminal's colour or cursor code pasted with the text (ECMA-48 CSI "ESC [ … m" and
# OSC "ESC ] … BEL"): without its ESC, "[31m" would be left in a partner's name.
TERMINAL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# What people paste from a word processor: U+000B is Word's manual line break
# (Shift+Enter), U+000C its page break; U+0085 (NEL), U+2028 and U+2029 are the line and
# paragraph separators of other programs.
PASTED_LINE_BREAK = re.compile(r"[ \t]*[\x0b\x0c\x85\u2028\u2029][ \t]*")


def without_control_characters(value, *, multiline=False):
    """The text without control or bidirectional characters (tab and line breaks stay);
    a pasted line or page break separates what it separated ("Maria\\vChiara" is
    "Maria Chiara", or two lines when `multiline`), it does not glue the words together.
    "Rossi\\u202egpj.exe\\u202c" is "Rossigpj.exe"; "\\x01\\x1b[31mACME\\x7f" is "ACME"
    (a terminal's colour code goes whole)."""
    value = TERMINAL_SEQUENCE.sub("", value)
    value = PASTED_LINE_BREAK.sub("\n" if multiline else " ", value)
    return CONTROL_CHARACTERS.sub("", value)


def _plain(value, multiline=False):
    if isinstance(value, str):
        return without_control_characters(value, multiline=multiline)
    return value


def plain_text_data(data, multiline_keys=(), kept_keys=()):
    """Posted data (a QueryDict or a dict) with control characters removed; a pasted
    line break is a line break in `multiline_keys` (text areas), a space elsewhere;
    `kept_keys` are left as typed."""
    if isinstance(data, QueryDict):
        cleaned = data.copy()
        for key, values in data.lists():
            if key not in kept_keys:
                cleaned.setlist(key, [_plain(value, key in multiline_keys)
                                      for value in values])
        return cleaned
    return {key: value if key in kept_keys else _plain(value, key in multiline_keys)
            for key, value in data.items()}


class PlainTextFormMixin:
    """Mix into a form (before the form class): control and bidirectional characters go
    before validation, so a field holding nothing else is empty, and required, like any
    empty field.

    Left as typed: passwords (a secret is compared, never shown: changing it would lock
    out whoever set it before) and web addresses (typed_text.web_addresses refuses one
    that holds such a character: cleaned, it would lead somewhere else than it read).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            multiline, kept = set(), set()
            for name, field in self.fields.items():
                if isinstance(field.widget, forms.Textarea):
                    multiline.add(self.add_prefix(name))
                elif isinstance(field.widget, forms.PasswordInput) or isinstance(
                        field, forms.URLField):
                    kept.add(self.add_prefix(name))
            self.data = plain_text_data(self.data, multiline, kept)
