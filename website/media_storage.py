"""Media on an S3-compatible object store, addressed under the site's own MEDIA_URL.

django-storages' S3Storage gives each file the object store's address (or a signed,
expiring one). Pages here name it `MEDIA_URL` + the file's name ("/media/images/x.jpg"),
and the proxy in front passes /media/images/ to the bucket (deploy/nginx/, README,
"Several app servers"): pages load nothing from another origin (the Content-Security-
Policy stays 'self'), and which files are public is the proxy's rule, not the bucket's
addresses (documents are never passed: the site serves them after its privacy check).
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class MediaStorage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL,
                       filepath_to_uri(self._normalize_name(clean_name(name))).lstrip("/"))
