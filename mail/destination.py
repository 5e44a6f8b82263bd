"""Where the site's mail goes, in one line a developer reads when `make run` starts
(scripts/run_site.py), so that nobody sends a test message without knowing where it lands.
"""

from pathlib import Path

# Django's own backends, by what they do with a message.
_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "printed in this terminal (console backend)",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory (locmem backend, tests)",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away (dummy backend)",
}


def where_mail_goes(settings, root=None):
    """One line (str) saying where `settings` (Django's, or any object with its EMAIL_*
    attributes) send mail: "Mail: sent through smtp://host:port (TLS)", "Mail: written to
    files in var/mail/ (nobody receives it)", "Mail: printed in this terminal (console
    backend)"... Never the user name or password of the mail server. A file path is shown
    relative to `root` (a Path) when it lies inside it."""
    backend = settings.EMAIL_BACKEND
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        security = ("SSL" if getattr(settings, "EMAIL_USE_SSL", False)
                    else "TLS" if getattr(settings, "EMAIL_USE_TLS", False) else "")
        where = f"sent through smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        return f"Mail: {where}" + (f" ({security})" if security else "")
    if backend == "django.core.mail.backends.filebased.EmailBackend":
        folder = Path(settings.EMAIL_FILE_PATH)
        if root is not None and folder.is_relative_to(root):
            folder = folder.relative_to(root)
        return f"Mail: written to files in {folder}/ (nobody receives it)"
    return f"Mail: {_BACKENDS.get(backend, f'handed to {backend}')}"
