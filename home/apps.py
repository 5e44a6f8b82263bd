from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    label = "home"
    verbose_name = _("Site pages and settings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What editors paste (Word's line break U+000B...) is cleaned before it is
        # stored, on every model of the site's apps: a feed or page can never fail on it.
        from django.db.models.signals import pre_save

        from typed_text.editor_text import clean_editor_fields

        pre_save.connect(clean_editor_fields,
                         dispatch_uid="typed_text.editor_text.clean_editor_fields")
        # wagtail-localize writes its editor's dates in English whatever the admin's
        # language (home/localize_dates.py, reported upstream).
        from .localize_dates import localize_translation_comments

        localize_translation_comments()
        # Wagtail's revision compare reads «None» for an empty date and «10:00:0011:00:00»
        # for a changed time: dates, times, booleans and numbers as people write them.
        from .compare import register_readable_comparisons

        register_readable_comparisons()
