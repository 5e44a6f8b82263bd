"""{% import_map %}: the inline import map of the site's JavaScript modules
(home/static_modules.py), allowed by the Content-Security-Policy through its hash."""

from django import template
from django.utils.safestring import mark_safe

from home.static_modules import import_map_json

register = template.Library()


@register.simple_tag
def import_map():
    return mark_safe(f'<script type="importmap">{import_map_json()}</script>')  # noqa: S308 - JSON of static URLs, "<" escaped
