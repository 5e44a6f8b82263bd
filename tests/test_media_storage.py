"""Media on an S3-compatible object store (MEDIA_STORAGE=s3, issue 22): images uploaded,
their renditions made and named under the site's own /media/, documents served by the
site after its privacy check (website/media_storage.py; moto's in-process S3 here, the
cluster's tests use its server)."""

import io

import boto3
import pytest
from django.core.files.images import ImageFile
from django.core.files.storage import storages
from django.test import Client
from moto import mock_aws
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_bucket(settings):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="media")
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "website.media_storage.MediaStorage",
            "OPTIONS": {"bucket_name": "media", "region_name": "us-east-1",
                        "access_key": "test", "secret_key": "test", "default_acl": None,
                        "querystring_auth": False, "file_overwrite": False}}}
        yield s3


def jpeg(width=1200, height=800):
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (0, 102, 204)).save(out, "JPEG")
    return out.getvalue()


def keys(s3):
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket="media").get(
        "Contents", []))


def test_an_image_and_its_rendition_live_in_the_bucket_and_are_named_under_media(
        media_bucket):
    image = get_image_model().objects.create(
        title="Villa Scheibler", file=ImageFile(io.BytesIO(jpeg()), name="villa.jpg"))
    rendition = image.get_rendition("max-800x600")
    assert rendition.url == f"/media/{rendition.file.name}"
    assert rendition.url.startswith("/media/images/villa")
    assert keys(media_bucket) == sorted([image.file.name, rendition.file.name])
    assert rendition.width == 800
    assert storages["default"].url("a b/è.jpg") == "/media/a%20b/%C3%A8.jpg"


def test_a_document_is_served_by_the_site_not_by_the_bucket(media_bucket):
    from django.core.files.base import ContentFile

    document = get_document_model().objects.create(
        title="Protocollo", file=ContentFile(b"%PDF-1.4 protocollo", name="protocollo.pdf"))
    assert document.url.startswith("/documents/")  # the site's view, never /media/
    response = Client().get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 protocollo"


def test_with_the_object_store_down_a_download_gets_the_503_page(settings):
    """The object store unreachable: the site's own 503 page in the page's language,
    with Retry-After, never the 500 page (website/outage.py)."""
    from botocore.config import Config

    from scripts.cluster import free_port

    with mock_aws():  # the document's row and file, made while the store is up
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="media")
        options = {"bucket_name": "media", "region_name": "us-east-1",
                   "access_key": "test", "secret_key": "test", "default_acl": None,
                   "querystring_auth": False, "file_overwrite": False}
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "website.media_storage.MediaStorage", "OPTIONS": options}}
        from django.core.files.base import ContentFile

        document = get_document_model().objects.create(
            title="Protocollo", file=ContentFile(b"%PDF-1.4", name="protocollo.pdf"))
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "website.media_storage.MediaStorage",
        "OPTIONS": {**options, "endpoint_url": f"http://127.0.0.1:{free_port()}",
                    "client_config": Config(connect_timeout=1, retries={"max_attempts": 1})}}}
    response = Client(raise_request_exception=False).get(
        document.url, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Servizio temporaneamente non disponibile" in response.content.decode()
