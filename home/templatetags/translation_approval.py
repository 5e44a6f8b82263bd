"""What wagtail-localize's translation editor offers a translator who may not publish
(templates/wagtail_localize/admin/edit_translation.html, home/translations.py)."""

from django import template

from home.translations import offers_translation_submission

register = template.Library()


@register.simple_tag(takes_context=True)
def translation_submission_offered(context, instance):
    """Whether the signed-in user is offered "Send the translation for approval" on
    `instance`, a page or snippet being translated (bool)."""
    request = context.get("request")
    if request is None or instance is None:
        return False
    return offers_translation_submission(request.user, instance)
