"""Filters of the Segreteria's booking screens."""

from django import template

from typed_text.phones import readable_phone

register = template.Library()
# «+39 02 8844 7502», spaced as on every staff screen and export.
register.filter("readable_phone", readable_phone)
