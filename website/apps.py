from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """The project package as an app, for the commands that wire the apps together."""

    name = "website"
    label = "website"
    verbose_name = "Mutuo Aiuto Lavoro"

    def ready(self):
        # Wagtail's autosave on create forms can create an object twice (admin_autosave).
        from .admin_autosave import install

        install()
