"""Where the background exports' files are kept, seen alike by the worker that writes
them and by every app server that hands one to its owner.

`STORAGES["exports"]` when it is configured (with MEDIA_STORAGE=s3, a private bucket of
its own: website/settings/base.py), else the folder settings.EXPORTS_ROOT on this
machine (one server, or a folder every server mounts). Files are named
"<job uuid>.<csv|xlsx>" at the top level.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


def export_storage():
    """The Storage export files are read from and written to (see the module)."""
    if "exports" in settings.STORAGES:
        return storages["exports"]
    # Built from the setting each time (cheap), so that EXPORTS_ROOT is read when used.
    return FileSystemStorage(location=settings.EXPORTS_ROOT)
