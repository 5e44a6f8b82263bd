"""Settings of the exports that would put personal data where it does not belong."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path, folder):
    if not folder:
        return False
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@register()
def export_settings(app_configs=None, **kwargs):
    """EXPORTS_ROOT outside MEDIA_ROOT, STATIC_ROOT and STATICFILES_DIRS (a file there
    would be served to anyone with its name), and on an object store not in the media
    bucket (MEDIA_STORAGE=s3); EXPORT_RETENTION_HOURS at least 1;
    EXPORT_BACKGROUND_THRESHOLD not negative."""
    errors = []
    root = settings.EXPORTS_ROOT
    public = [settings.MEDIA_ROOT, settings.STATIC_ROOT]
    public += [entry[1] if isinstance(entry, tuple | list) else entry
               for entry in getattr(settings, "STATICFILES_DIRS", [])]
    if any(_inside(root, folder) for folder in public):
        errors.append(Error(
            "EXPORTS_ROOT is inside a folder the site serves to anyone.",
            hint="Set EXPORTS_ROOT to a private folder (default var/exports).",
            id="exports.E001"))
    media = settings.STORAGES.get("default", {}).get("OPTIONS", {}).get("bucket_name")
    exports = settings.STORAGES.get("exports", {}).get("OPTIONS", {}).get("bucket_name")
    if exports and exports == media:
        errors.append(Error(
            "EXPORTS_BUCKET is the media bucket, whose images the proxy serves to anyone.",
            hint="Give the exports a private bucket of their own (EXPORTS_BUCKET).",
            id="exports.E004"))
    if settings.EXPORT_RETENTION_HOURS < 1:
        errors.append(Error("EXPORT_RETENTION_HOURS must be a whole number of hours, "
                            "at least 1.", id="exports.E002"))
    if settings.EXPORT_BACKGROUND_THRESHOLD < 0:
        errors.append(Error("EXPORT_BACKGROUND_THRESHOLD must be 0 or more.",
                            id="exports.E003"))
    return errors
