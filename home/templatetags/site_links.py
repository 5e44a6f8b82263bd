"""`{% load site_links %}`: addresses on the configured base URL, for mail templates
(mail/links.py)."""

from django import template

from mail.links import page_site_url, site_url

register = template.Library()


@register.filter
def on_site(path):
    """`{{ "/it/gruppi/"|on_site }}`: the path on the base URL."""
    return site_url(str(path)) if path else ""


@register.filter
def page_on_site(page):
    """`{{ page|page_on_site }}`: the page's public address on the base URL."""
    return page_site_url(page) if page is not None else ""
