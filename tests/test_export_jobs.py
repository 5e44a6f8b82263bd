"""A long export is written by the background worker (issue 16, P1).

Its life: the request counts the rows and, above EXPORT_BACKGROUND_THRESHOLD, queues
the export and redirects to its page (queued); the worker writes the file, recording
the rows written after each chunk (progress); the page then offers the file, the same
file a direct export gives (ready); each download is a line of the audit trail
(downloaded); after EXPORT_RETENTION_HOURS the file and its record are deleted by the
nightly purge and the link says so (purged). Only the person who asked sees any of it.
"""

import csv
import datetime
import io
import re
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import exports.background
import exports.spreadsheets
from exports.background import purge_expired_exports
from exports.checks import export_settings
from exports.models import ExportJob
from privacy import retention
from privacy.models import AccessEvent
from programme.models import ParticipationRequest
from tests.admin_helpers import make_segreteria, speaks
from tests.test_export_scale import seed_requests

pytestmark = pytest.mark.django_db

ROWS = 10  # above the threshold set below: a background export
LIST = "/admin/participation_requests/"
JOB_PAGE = re.compile(r"^/admin/exports/([0-9a-f-]{36})/$")


@pytest.fixture(autouse=True)
def _background_exports(settings, tmp_path, monkeypatch):
    settings.EXPORTS_ROOT = str(tmp_path / "exports")
    settings.EXPORT_BACKGROUND_THRESHOLD = 5
    settings.EXPORT_RETENTION_HOURS = 24
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(exports.spreadsheets, "EXPORT_CHUNK_SIZE", 4)
    # The worker closes "old" connections between tasks: inside a test's transaction
    # that would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def staff(client, django_user_model):
    user = make_segreteria(django_user_model)
    speaks(user, "it")
    client.force_login(user)
    return user


@pytest.fixture
def requests_listed():
    seed_requests(ROWS)
    return ParticipationRequest.objects.count()


def ask(client, export_format="csv", query=""):
    response = client.get(f"{LIST}?export={export_format}{query}")
    assert response.status_code == 302, response.status_code
    match = JOB_PAGE.match(response["Location"])
    assert match, response["Location"]
    return ExportJob.objects.get(pk=match[1]), response["Location"]


def test_a_long_export_is_queued_and_the_person_sent_to_its_page(client, staff,
                                                                 requests_listed):
    job, page = ask(client)
    assert job.status == ExportJob.Status.QUEUED
    assert job.user == staff and job.total_rows == requests_listed
    assert (job.export_format, job.language) == ("csv", "it")
    assert DBTaskResult.objects.filter(task_path=exports.background.run_export.module_path,
                                       status="READY").count() == 1
    html = client.get(page).content.decode()
    assert 'role="status"' in html
    assert '<meta http-equiv="refresh"' in html  # refreshes by itself, no JavaScript
    assert f"{requests_listed} righe è in attesa di iniziare" in html
    assert not job.has_file()
    # Nothing is recorded as exported until the file is downloaded.
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED).exists()


def test_a_job_waiting_too_long_says_the_worker_may_be_stopped(client, staff,
                                                              requests_listed):
    job, page = ask(client)
    assert "potrebbe essere fermo" not in client.get(page).content.decode()
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - datetime.timedelta(minutes=3))
    html = client.get(page).content.decode()
    assert "È in attesa da più di due minuti" in html and "Coda dei messaggi" in html


def test_asking_again_while_it_waits_leads_to_the_same_job(client, staff, requests_listed):
    first, _ = ask(client)
    second, _ = ask(client)
    assert first == second
    assert ExportJob.objects.count() == 1


def test_the_request_only_counts_the_rows_it_queues(client, staff, requests_listed):
    # "No worker held for more than a second": a long list is counted, never read.
    with CaptureQueriesContext(connection) as queries:
        ask(client)
    reads = [q["sql"] for q in queries.captured_queries
             if 'FROM "programme_participationrequest"' in q["sql"]
             and "COUNT(" not in q["sql"].upper()]
    assert reads == []


def test_the_worker_writes_the_file_recording_its_progress(client, staff, requests_listed,
                                                           monkeypatch):
    job, page = ask(client)
    seen = []
    record = exports.background.record_progress

    def spy(job, rows_done):
        record(job, rows_done)
        seen.append(ExportJob.objects.get(pk=job.pk).rows_done)

    monkeypatch.setattr(exports.background, "record_progress", spy)
    run_worker()
    # After each chunk of 4 rows, then at the end.
    expected = [*range(4, requests_listed + 1, 4), requests_listed]
    assert seen == expected
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY
    assert job.rows_done == job.total_rows == requests_listed
    assert job.has_file()
    html = client.get(page).content.decode()
    assert '<meta http-equiv="refresh"' not in html
    assert job.download_url in html


def test_the_page_shows_the_rows_written_of_the_total(client, staff, requests_listed):
    job, page = ask(client)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, rows_done=4)
    html = client.get(page).content.decode()
    assert f"Scrittura del file: 4 di {requests_listed} righe." in html
    assert f'<progress class="w-w-full" max="{requests_listed}" value="4"' in html


def test_the_downloaded_csv_is_the_direct_export(client, staff, requests_listed,
                                                 settings):
    job, page = ask(client)
    run_worker()
    download = client.get(job.download_url)
    assert download.status_code == 200
    assert 'filename="richieste-di-partecipazione.csv"' in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    data = body(download)
    settings.EXPORT_BACKGROUND_THRESHOLD = 1000
    direct = client.get(f"{LIST}?export=csv")
    assert direct.status_code == 200
    assert data == body(direct)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Codice di riferimento" and rows[0][2] == "Stato"
    assert len(rows) == requests_listed + 1
    scale = [row for row in rows if row[0].startswith("MA-SC-")]
    assert scale and all(row[2] == "Assegnata a un gruppo" for row in scale)
    assert all("Sede di scala" in ";".join(row) for row in scale)


def test_the_downloaded_xlsx_is_the_direct_export_in_english(client, staff, requests_listed,
                                                             settings):
    speaks(staff, "en")
    job, _ = ask(client, "xlsx")
    assert job.language == "en"
    run_worker()
    download = client.get(job.download_url)
    assert 'filename="participation-requests.xlsx"' in download["Content-Disposition"]
    background = openpyxl.load_workbook(io.BytesIO(body(download))).active
    settings.EXPORT_BACKGROUND_THRESHOLD = 1000
    direct = openpyxl.load_workbook(io.BytesIO(body(client.get(f"{LIST}?export=xlsx")))).active
    assert background.title == direct.title == "Participation requests"
    rows = [list(row) for row in background.iter_rows(values_only=True)]
    assert rows == [list(row) for row in direct.iter_rows(values_only=True)]
    assert rows[0][0] == "Reference" and rows[0][2] == "Status"
    assert isinstance(rows[1][1], datetime.datetime)  # a real date-time cell


def test_the_filters_and_the_selection_are_the_lists(client, staff, requests_listed):
    ids = list(ParticipationRequest.objects.order_by("pk").values_list("pk", flat=True))[:6]
    job, _ = ask(client, query="".join(f"&id={pk}" for pk in ids))
    run_worker()
    rows = list(csv.reader(io.StringIO(body(client.get(job.download_url)).decode("utf-8-sig")),
                           delimiter=";"))
    assert len(rows) == 1 + 6


def test_each_download_is_a_line_of_the_audit_trail(client, staff, requests_listed):
    job, _ = ask(client)
    run_worker()
    client.get(job.download_url)
    [line] = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED)
    assert line.actor == staff
    assert line.rows == requests_listed
    assert line.content_type.model == "participationrequest"


def test_someone_else_gets_404_for_the_page_and_the_file(client, staff, requests_listed,
                                                         django_user_model):
    job, page = ask(client)
    run_worker()
    other = make_segreteria(django_user_model, username="collega")
    client.force_login(other)
    # follow: LocaleMiddleware tries /it/… first, as for any 404 of the admin.
    assert client.get(page, follow=True).status_code == 404
    assert client.get(job.download_url, follow=True).status_code == 404
    superuser = django_user_model.objects.create_superuser(
        username="capo", email="capo@example.org", password="x" * 12)
    client.force_login(superuser)
    assert client.get(job.download_url, follow=True).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED).exists()


def test_after_the_retention_the_purge_deletes_the_file_and_the_record(client, staff,
                                                                       requests_listed):
    job, page = ask(client)
    run_worker()
    job.refresh_from_db()
    assert job.has_file()
    assert purge_expired_exports(timezone.now() + datetime.timedelta(hours=23)) == {
        "deleted": 0, "anonymised": 0}
    assert job.has_file()
    run = retention.purge(now=timezone.now() + datetime.timedelta(hours=25))
    assert run.counts["export_files"] == {"deleted": 1, "anonymised": 0}
    assert not job.has_file()
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    gone = client.get(page)
    assert gone.status_code == 410  # Gone, and the page says why
    text = gone.content.decode()
    assert "Questa esportazione non è disponibile." in text
    assert "24 ore" in text and "Esporta di nuovo l’elenco" in text
    assert client.get(job.download_url).status_code == 410


def test_a_file_past_its_time_is_deleted_when_asked_for_before_the_purge(
        client, staff, requests_listed):
    job, page = ask(client)
    run_worker()
    ExportJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    download = client.get(job.download_url)
    assert download.status_code == 302 and download["Location"] == page
    assert not job.has_file()
    text = client.get(page).content.decode()
    assert "eliminata per proteggere i dati personali" in text
    assert f'href="{job.export_url}"' in text.replace("&amp;", "&")


def test_a_failed_export_says_so_and_offers_to_try_again(client, staff, requests_listed):
    job, page = ask(client)
    # The person left the Segreteria before the worker ran: their export is refused.
    staff.groups.remove(AuthGroup.objects.get(name="Segreteria"))
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert not job.has_file()
    staff.groups.add(AuthGroup.objects.get(name="Segreteria"))
    text = client.get(page).content.decode()
    assert "L’esportazione non è riuscita" in text
    assert f'href="{LIST}?export=csv">Riprova</a>' in text
    retry = client.get(f"{LIST}?export=csv")
    assert retry.status_code == 302 and retry["Location"] != page  # a new job


@pytest.mark.parametrize("language,texts", [
    ("it", ["Esportazione", "è in attesa di iniziare", "Questa pagina si aggiorna da sola"]),
    ("en", ["Export", "is waiting to start", "This page updates by itself"]),
])
def test_the_page_reads_in_both_languages_on_a_phone(client, staff, requests_listed,
                                                     language, texts):
    speaks(staff, language)
    _, page = ask(client)
    html = client.get(page).content.decode()
    assert f'<html lang="{language}"' in html
    assert 'name="viewport" content="width=device-width' in html
    for text in texts:
        assert text in html
    # Nothing wider than a phone's screen: no fixed widths or tables on the page.
    main = html.split('role="status"', 1)[1]
    assert "<table" not in main and not re.search(r'width="\d+"|width:\s*\d{3,}px', main)


def test_an_unknown_job_is_gone(client, staff):
    assert client.get(f"/admin/exports/{uuid.uuid4()}/").status_code == 410


def test_exports_root_must_not_be_served(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EXPORTS_ROOT = str(tmp_path / "exports")
    assert [error.id for error in export_settings()] == ["exports.E001"]
    settings.EXPORTS_ROOT = str(tmp_path.parent / "private-exports")
    assert export_settings() == []


def test_a_short_export_is_still_written_within_the_request(client, staff, settings):
    settings.EXPORT_BACKGROUND_THRESHOLD = 2000
    response = client.get(f"{LIST}?export=csv")
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


def test_exports_never_share_the_media_bucket(settings):
    s3 = {"BACKEND": "storages.backends.s3.S3Storage"}
    settings.STORAGES = {**settings.STORAGES,
                         "default": {**s3, "OPTIONS": {"bucket_name": "media"}},
                         "exports": {**s3, "OPTIONS": {"bucket_name": "media"}}}
    assert [error.id for error in export_settings()] == ["exports.E004"]
    settings.STORAGES = {**settings.STORAGES,
                         "exports": {**s3, "OPTIONS": {"bucket_name": "exports"}}}
    assert export_settings() == []


# --- On an object store (MEDIA_STORAGE=s3: several app servers, issue 22) ---------------


@pytest.fixture
def exports_bucket(settings):
    """The exports' storage as on several app servers: a private S3 bucket (moto's
    in-process S3); the worker writes there and any app server reads it."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="exports")
        settings.STORAGES = {**settings.STORAGES, "exports": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "exports", "region_name": "us-east-1",
                        "access_key": "test", "secret_key": "test", "default_acl": None,
                        "querystring_auth": False, "file_overwrite": True}}}
        yield boto3.client("s3", region_name="us-east-1")


def test_on_an_object_store_the_file_is_written_downloaded_and_purged(
        client, staff, requests_listed, exports_bucket, settings):
    job, page = ask(client)
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY
    listed = exports_bucket.list_objects_v2(Bucket="exports")["Contents"]
    assert [item["Key"] for item in listed] == [f"{job.pk}.csv"]
    assert not (Path(settings.EXPORTS_ROOT) / f"{job.pk}.csv").exists()  # not on this disk
    download = client.get(job.download_url)
    assert download.status_code == 200
    text = body(download).decode("utf-8-sig")
    assert text.count("\n") == requests_listed + 1  # the header and every row
    retention.purge(now=timezone.now() + datetime.timedelta(hours=25))
    assert exports_bucket.list_objects_v2(Bucket="exports").get("KeyCount") == 0
    assert client.get(job.download_url).status_code == 410


def test_on_an_object_store_a_file_with_no_record_goes_after_the_retention(
        exports_bucket):
    exports_bucket.put_object(Bucket="exports", Key="left-by-a-killed-worker.csv", Body=b"x")
    assert purge_expired_exports(timezone.now() + datetime.timedelta(hours=1)) == {
        "deleted": 0, "anonymised": 0}
    assert exports_bucket.list_objects_v2(Bucket="exports")["KeyCount"] == 1
    purge_expired_exports(timezone.now() + datetime.timedelta(hours=25))
    assert exports_bucket.list_objects_v2(Bucket="exports").get("KeyCount") == 0
