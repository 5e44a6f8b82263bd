"""Retention (issue 15): each rule deletes or anonymises a row just outside its period and
leaves one just inside; anonymisation keeps the statistics fields and removes every
personal one; the purge is idempotent, logged with counts only, in a number of queries
that does not grow with the rows; the daily run queues itself; superusers see the runs.
"""

import datetime
import json
import logging

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.forms.models import FormSubmission

from accounts.models import Invitation, Membership
from home.models import ContactPage
from mail.sending import send_email
from privacy import retention
from privacy.models import AccessEvent, PurgeRun
from privacy.retention import (
    ANONYMISED_FIELDS,
    ANONYMOUS_EMAIL,
    KEPT_FIELDS,
    PLACEHOLDER,
    STATUS_CHANGE_ANONYMISED_FIELDS,
    STATUS_CHANGE_KEPT_FIELDS,
    anonymise_requests,
    purge,
)
from privacy.tasks import daily_purge, ensure_daily_purge_queued, next_purge_time
from programme.models import Adhesion
from programme.models.groups import Group
from programme.models.participation import ParticipationRequest, StatusChange
from programme.models.venues import Venue
from tests.admin_helpers import make_segreteria, speaks
from tests.partner_helpers import VAT_NUMBERS, make_organisation, make_user
from worker.leases import beat

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
Status = ParticipationRequest.Status
NOW = timezone.now()
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.RETENTION_CLOSED_REQUEST_DAYS = 730
    settings.RETENTION_CONTACT_MESSAGE_DAYS = 365
    settings.RETENTION_STATUS_NOTE_DAYS = 365
    settings.RETENTION_ADHESION_SIGNATORY_DAYS = 365
    settings.RETENTION_INVITATION_DAYS = 30
    settings.RETENTION_MAIL_TASK_DAYS = 7
    settings.RETENTION_SESSION_DAYS = 30
    settings.RETENTION_AUDIT_DAYS = 730


def inside(days):
    """A moment just inside a period of `days` days before NOW (kept)."""
    return NOW - days * DAY + HOUR


def outside(days):
    """A moment just outside it (deleted or anonymised)."""
    return NOW - days * DAY - HOUR


def make_request(first="Giulia", last="Rossi", email="giulia.rossi@example.org",
                 phone="+390288447502", status=Status.NEW, created=None, **extra):
    request_obj = ParticipationRequest.objects.create(
        first_name=first, last_name=last, email=email, phone=phone,
        preferred_channel="email", employment_status="unemployed",
        situation_since=datetime.date(2025, 3, 1), privacy_notice_version="2026-11",
        privacy_acknowledged_at=NOW, language="it", status=status, **extra)
    ParticipationRequest.objects.filter(pk=request_obj.pk).update(created_at=created or NOW)
    request_obj.refresh_from_db()
    return request_obj


def change(request_obj, to_status, at, note=""):
    step = StatusChange.objects.create(request=request_obj, from_status=request_obj.status,
                                       to_status=to_status, note=note)
    StatusChange.objects.filter(pk=step.pk).update(changed_at=at)
    ParticipationRequest.objects.filter(pk=request_obj.pk).update(status=to_status)
    return step


def entity_fields(model):
    """Every field of `model` a row holds: its columns and its many-to-many fields (not
    other models' relations to it)."""
    return {field.name for field in model._meta.get_fields()
            if field.concrete or (field.many_to_many and not field.auto_created)}


# --- Anonymisation ------------------------------------------------------------------------


def test_every_field_of_a_request_has_a_rule():
    """A personal field added later without a rule here fails this test."""
    assert not KEPT_FIELDS & ANONYMISED_FIELDS
    assert entity_fields(ParticipationRequest) == KEPT_FIELDS | ANONYMISED_FIELDS


def test_every_field_of_a_status_change_has_a_rule():
    assert not STATUS_CHANGE_KEPT_FIELDS & STATUS_CHANGE_ANONYMISED_FIELDS
    assert entity_fields(StatusChange) == (STATUS_CHANGE_KEPT_FIELDS
                                           | STATUS_CHANGE_ANONYMISED_FIELDS)


def test_anonymisation_keeps_the_statistics_and_removes_every_personal_field(
        django_user_model):
    clerk = make_segreteria(django_user_model)
    organisation, referrer = make_organisation()
    request_obj = make_request(
        status=Status.COMPLETED, created=NOW - 800 * DAY, note="Ha problemi di salute",
        source="partner_referral", organisation=organisation, referred_by=referrer,
        privacy_read_by=clerk, entry_token="a" * 32, heard_from="flyer",
        preferred_venue=Venue.objects.first(), group=Group.objects.first(),
        prefers_mornings=True)
    other = make_request("Marta", "Colombo", "marta@example.org", "+393335500123")
    request_obj.not_duplicates.add(other)
    step = change(request_obj, Status.COMPLETED, NOW - 800 * DAY, note="Iscritta CGIL")
    before = ParticipationRequest.objects.get(pk=request_obj.pk)

    assert anonymise_requests(ParticipationRequest.objects.filter(pk=request_obj.pk),
                              now=NOW) == 1

    after = ParticipationRequest.objects.get(pk=request_obj.pk)
    for name in KEPT_FIELDS - {"anonymised_at"}:
        field = ParticipationRequest._meta.get_field(name)
        assert field.value_from_object(after) == field.value_from_object(before), name
    assert after.anonymised_at == NOW
    assert (after.first_name, after.last_name) == (PLACEHOLDER, PLACEHOLDER)
    assert after.email == ANONYMOUS_EMAIL
    assert after.phone == after.note == ""
    assert after.situation_since == datetime.date(2025, 1, 1)
    assert after.privacy_read_by is None and after.entry_token is None
    assert not after.not_duplicates.exists()
    # The matching keys, generated by the database, follow the placeholders.
    assert (after.email_key, after.first_key, after.last_key) == (
        ANONYMOUS_EMAIL, PLACEHOLDER, PLACEHOLDER)
    assert set(ANONYMISED_FIELDS) == {
        "first_name", "last_name", "email", "phone", "note", "situation_since",
        "privacy_read_by", "entry_token", "not_duplicates",
        "email_key", "first_key", "last_key", "tax_code_digest"}
    step.refresh_from_db()
    assert step.note == "" and step.to_status == Status.COMPLETED
    # The other person is untouched.
    other.refresh_from_db()
    assert other.email == "marta@example.org" and other.anonymised_at is None


@pytest.mark.skipif(not apps.is_installed("auditlog"), reason="django-auditlog not installed")
def test_anonymisation_leaves_no_copy_in_the_change_log(settings):
    log_entry = apps.get_model("auditlog", "LogEntry")
    request_obj = make_request(status=Status.WITHDRAWN, created=NOW - 900 * DAY,
                               reference="MA-2024-00077", note="Nota riservata")
    step = change(request_obj, Status.WITHDRAWN, outside(730), note="Iscritta CGIL")
    request_obj.refresh_from_db()
    request_obj.phone = "+393471234567"
    request_obj.save()  # a change the log records, old and new values
    adhesion_org, _admin = make_organisation(adhesion=Adhesion.Status.REJECTED)
    adhesion = adhesion_org.adhesions.get()
    Adhesion.objects.filter(pk=adhesion.pk).update(decided_at=outside(365))
    message = contact_message(outside(365), "Messaggio di Giulia")
    entries = log_entry.objects.filter(
        object_pk__in=[str(request_obj.pk), str(step.pk), str(adhesion.pk), str(message.pk)])
    if not entries.filter(object_pk=str(request_obj.pk)).exists():
        pytest.skip("ParticipationRequest is not registered with auditlog")

    purge(now=NOW)

    text = json.dumps([[entry.object_repr, entry.changes, entry.changes_text,
                        entry.serialized_data] for entry in entries], default=str)
    for personal in ["Giulia", "Rossi", "giulia.rossi@example.org", "+390288447502",
                     "+393471234567", "Nota riservata", "Iscritta CGIL", "Anna Verdi",
                     "Messaggio di Giulia"]:
        assert personal not in text
    assert entries.filter(object_pk=str(request_obj.pk), object_repr="MA-2024-00077").exists()


# --- Each rule, just inside and just outside its period ------------------------------------


@pytest.mark.parametrize("status", retention.CLOSED_STATUSES)
def test_closed_requests_are_anonymised_from_their_last_status_change(status):
    old = make_request("Anna", "Vecchi", "anna@example.org", created=NOW - 900 * DAY)
    change(old, status, outside(730))
    recent = make_request("Bruno", "Nuovi", "bruno@example.org", created=NOW - 900 * DAY)
    change(recent, status, inside(730))
    never_changed = make_request("Carla", "Sola", "carla@example.org", status=status,
                                 created=outside(730))

    assert retention.closed_requests(NOW) == {"deleted": 0, "anonymised": 2}

    assert ParticipationRequest.objects.get(pk=old.pk).anonymised_at == NOW
    assert ParticipationRequest.objects.get(pk=never_changed.pk).anonymised_at == NOW
    assert ParticipationRequest.objects.get(pk=recent.pk).email == "bruno@example.org"


@pytest.mark.parametrize("status", [Status.NEW, Status.CONTACTED, Status.WAITING_LIST])
def test_open_requests_are_kept_however_old(status):
    request_obj = make_request(status=status, created=NOW - 3000 * DAY)
    assert retention.closed_requests(NOW) == {"deleted": 0, "anonymised": 0}
    assert ParticipationRequest.objects.get(pk=request_obj.pk).anonymised_at is None


def test_status_notes_are_blanked_and_the_history_kept():
    request_obj = make_request()
    old = change(request_obj, Status.CONTACTED, outside(365), note="Disoccupata da poco")
    recent = change(request_obj, Status.ASSIGNED, inside(365), note="Preferisce il martedì")

    assert retention.status_notes(NOW) == {"deleted": 0, "anonymised": 1}

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.note == "" and old.to_status == Status.CONTACTED
    assert recent.note == "Preferisce il martedì"


def contact_message(at, text):
    page = ContactPage.objects.first()
    submission = FormSubmission.objects.create(page=page, form_data={"message": text})
    FormSubmission.objects.filter(pk=submission.pk).update(submit_time=at)
    return submission


def test_contact_messages():
    old = contact_message(outside(365), "Vecchio messaggio")
    recent = contact_message(inside(365), "Messaggio recente")

    assert retention.contact_messages(NOW) == {"deleted": 1, "anonymised": 0}

    assert list(FormSubmission.objects.filter(pk__in=[old.pk, recent.pk])) == [recent]


def test_signatories_of_rejected_and_withdrawn_adhesions():
    Status_ = Adhesion.Status
    rows = {}
    for index, (state, when, key) in enumerate([
            (Status_.REJECTED, outside(365), "rejected_out"),
            (Status_.REJECTED, inside(365), "rejected_in"),
            (Status_.WITHDRAWN, outside(365), "withdrawn_out"),
            (Status_.WITHDRAWN, inside(365), "withdrawn_in"),
            (Status_.APPROVED, outside(365), "approved")]):
        organisation, _admin = make_organisation(f"Ente {index}", VAT_NUMBERS[index],
                                                 adhesion=None)
        rows[key] = Adhesion.objects.create(
            organisation=organisation, status=state, protocol_version="1.0",
            signatory_name="Anna Verdi", signatory_role="Presidente",
            decided_at=when if state != Status_.WITHDRAWN else None,
            withdrawn_at=when if state == Status_.WITHDRAWN else None)

    assert retention.adhesion_signatories(NOW) == {"deleted": 0, "anonymised": 2}

    names = {key: Adhesion.objects.get(pk=row.pk).signatory_name for key, row in rows.items()}
    assert names == {"rejected_out": PLACEHOLDER, "rejected_in": "Anna Verdi",
                     "withdrawn_out": PLACEHOLDER, "withdrawn_in": "Anna Verdi",
                     "approved": "Anna Verdi"}
    assert Adhesion.objects.get(pk=rows["rejected_out"].pk).signatory_role == PLACEHOLDER


def test_expired_and_revoked_invitations():
    organisation, admin = make_organisation()

    def invite(email, **when):
        return Invitation.objects.create(
            organisation=organisation, email=email, role=Membership.Role.REFERRER,
            token=email, invited_by=admin, **{"expires_at": NOW + 7 * DAY, **when})

    expired_out = invite("a@example.org", expires_at=outside(30))
    expired_in = invite("b@example.org", expires_at=inside(30))
    revoked_out = invite("c@example.org", revoked_at=outside(30))
    revoked_in = invite("d@example.org", revoked_at=inside(30))
    accepted = invite("e@example.org", expires_at=outside(300), accepted_at=outside(301))
    pending = invite("f@example.org")

    assert retention.invitations(NOW) == {"deleted": 2, "anonymised": 0}

    left = set(Invitation.objects.values_list("pk", flat=True))
    assert {expired_in.pk, revoked_in.pk, accepted.pk, pending.pk} <= left
    assert not {expired_out.pk, revoked_out.pk} & left


def mail_row(status, finished_at):
    row = send_email.enqueue(["giulia.rossi@example.org"], "Richiesta MA-2026-00042",
                             "Gentile Giulia").db_result
    DBTaskResult.objects.filter(pk=row.pk).update(status=status, finished_at=finished_at)
    return row


def test_finished_mail_tasks(settings):
    settings.TASKS = DATABASE_TASKS
    sent_out = mail_row("SUCCESSFUL", outside(7))
    failed_out = mail_row("FAILED", outside(7))
    sent_in = mail_row("SUCCESSFUL", inside(7))
    waiting = mail_row("READY", None)
    other_task = daily_purge.enqueue().db_result
    DBTaskResult.objects.filter(pk=other_task.pk).update(status="SUCCESSFUL",
                                                         finished_at=outside(70))

    assert retention.mail_tasks(NOW) == {"deleted": 2, "anonymised": 0}

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert {sent_in.pk, waiting.pk, other_task.pk} <= left
    assert not {sent_out.pk, failed_out.pk} & left


def test_expired_sessions_and_old_sign_in_records():
    user = make_user("giulia.rossi@example.org")
    Session.objects.create(session_key="expired", session_data="x", expire_date=NOW - HOUR)
    Session.objects.create(session_key="live", session_data="x", expire_date=NOW + HOUR)
    UserSession.objects.create(user=user, ip="10.0.0.1", session_key="seen-long-ago",
                               user_agent="Firefox", last_seen_at=outside(30))
    UserSession.objects.create(user=user, ip="10.0.0.2", session_key="seen-lately",
                               user_agent="Firefox", last_seen_at=inside(30))

    assert retention.sessions(NOW) == {"deleted": 1, "anonymised": 0}
    assert retention.user_sessions(NOW) == {"deleted": 1, "anonymised": 0}

    assert list(Session.objects.filter(session_key__in=["expired", "live"])
                .values_list("session_key", flat=True)) == ["live"]
    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["seen-lately"]


def access_event(at, label):
    from django.contrib.contenttypes.models import ContentType

    return AccessEvent.objects.create(
        at=at, action=AccessEvent.Action.VIEWED, label=label,
        content_type=ContentType.objects.get_for_model(ParticipationRequest))


def test_audit_trail():
    access_event(outside(730), "MA-2024-00001")
    kept = access_event(inside(730), "MA-2024-00002")

    result = retention.audit_trail(NOW)

    assert result["deleted"] >= 1
    assert list(AccessEvent.objects.all()) == [kept]


@pytest.mark.skipif(not apps.is_installed("auditlog"), reason="django-auditlog not installed")
def test_audit_trail_of_changes():
    log_entry = apps.get_model("auditlog", "LogEntry")
    log_entry.objects.all().delete()
    request_obj = make_request()
    log_entry.objects.filter(object_pk=str(request_obj.pk)).update(timestamp=outside(730))
    recent = make_request("Marta", "Colombo", "marta@example.org")
    if not log_entry.objects.filter(object_pk=str(recent.pk)).exists():
        pytest.skip("ParticipationRequest is not registered with auditlog")

    retention.audit_trail(NOW)

    assert not log_entry.objects.filter(object_pk=str(request_obj.pk)).exists()
    assert log_entry.objects.filter(object_pk=str(recent.pk)).exists()


# --- The purge --------------------------------------------------------------------------


def one_of_each_kind(settings, index=0):
    settings.TASKS = DATABASE_TASKS
    request_obj = make_request(f"Nome{index}", f"Cognome{index}", f"p{index}@example.org",
                               created=NOW - 900 * DAY)
    change(request_obj, Status.WITHDRAWN, outside(730), note="Si è trasferita")
    contact_message(outside(365), f"Messaggio {index}")
    mail_row("SUCCESSFUL", outside(7))
    Session.objects.create(session_key=f"expired-{index}", session_data="x",
                           expire_date=NOW - HOUR)
    access_event(outside(730), f"MA-2024-{index:05}")


def test_the_purge_is_recorded_logged_without_personal_data_and_idempotent(settings, caplog):
    one_of_each_kind(settings)
    caplog.set_level(logging.INFO, logger="privacy.retention")

    first = purge(now=NOW)

    assert first.counts["closed_requests"] == {"deleted": 0, "anonymised": 1}
    assert first.counts["contact_messages"]["deleted"] == 1
    assert first.counts["mail_tasks"]["deleted"] == 1
    assert first.counts["sessions"]["deleted"] >= 1
    assert first.counts["audit_trail"]["deleted"] >= 1
    assert set(first.counts) == set(retention.all_rules())
    assert first.finished_at is not None
    assert PurgeRun.objects.get(pk=first.pk).counts == first.counts
    logged = caplog.text
    assert len(caplog.records) == len(retention.all_rules())
    for personal in ["Nome0", "Cognome0", "p0@example.org", "Si è trasferita",
                     "Messaggio 0", "MA-2024", "giulia"]:
        assert personal not in logged

    second = purge(now=NOW)

    assert all(figures == {"deleted": 0, "anonymised": 0}
               for figures in second.counts.values()), second.counts


def test_the_purges_queries_do_not_grow_with_the_rows(settings):
    one_of_each_kind(settings)
    with CaptureQueriesContext(connection) as few:
        purge(now=NOW)
    for index in range(1, 9):
        one_of_each_kind(settings, index)
    with CaptureQueriesContext(connection) as many:
        purge(now=NOW)

    assert len(many) == len(few)


def test_the_purge_works_in_batches(settings, monkeypatch):
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    for index in range(5):
        one_of_each_kind(settings, index)

    run = purge(now=NOW)

    assert run.counts["closed_requests"]["anonymised"] == 5
    assert run.counts["contact_messages"]["deleted"] >= 5
    assert not ParticipationRequest.objects.filter(
        email__in=[f"p{index}@example.org" for index in range(5)]).exists()


# --- The daily run ------------------------------------------------------------------------


def purge_rows():
    return DBTaskResult.objects.filter(task_path=daily_purge.module_path)


def test_next_run_is_at_half_past_three_in_milan():
    milan = timezone.get_default_timezone()
    before = datetime.datetime(2026, 11, 30, 2, 0, tzinfo=milan)
    after = datetime.datetime(2026, 11, 30, 4, 0, tzinfo=milan)
    assert next_purge_time(before) == datetime.datetime(2026, 11, 30, 3, 30, tzinfo=milan)
    assert next_purge_time(after) == datetime.datetime(2026, 12, 1, 3, 30, tzinfo=milan)
    # The night clocks go forward: still 03:30 in Milan, 01:30 UTC.
    spring = next_purge_time(datetime.datetime(2027, 3, 27, 12, 0, tzinfo=milan))
    assert spring.astimezone(datetime.UTC) == datetime.datetime(2027, 3, 28, 1, 30,
                                                                tzinfo=datetime.UTC)


def test_migrate_queues_the_daily_purge_once(settings):
    settings.TASKS = DATABASE_TASKS
    purge_rows().delete()

    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)

    row = purge_rows().get()
    assert row.status == "READY"
    assert row.run_after == next_purge_time()


def test_nothing_is_queued_on_a_backend_that_cannot_wait():
    # The tests' immediate backend would run the purge at once, and it again.
    assert ensure_daily_purge_queued() is None
    assert not purge_rows().exists()


def test_the_daily_purge_runs_and_queues_the_next_one(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_LEASE_SECONDS = 300
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    purge_rows().delete()
    one_of_each_kind(settings)
    first = ensure_daily_purge_queued()
    assert ensure_daily_purge_queued() is None  # one waiting is enough
    DBTaskResult.objects.filter(pk=first.id).update(run_after=NOW - HOUR)

    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    done = DBTaskResult.objects.get(pk=first.id)
    assert done.status == "SUCCESSFUL"
    assert done.return_value["closed_requests"] == {"deleted": 0, "anonymised": 1}
    assert PurgeRun.objects.count() == 1
    following = purge_rows().get(status="READY")
    assert following.run_after == next_purge_time()
    assert following.run_after > timezone.now()


def test_health_stays_ok_with_the_purge_waiting_for_tomorrow(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_LEASE_SECONDS = 300
    purge_rows().delete()
    ensure_daily_purge_queued()
    beat("worker-1")

    response = Client().get("/health/")
    body = json.loads(response.content)

    assert response.status_code == 200 and body["status"] == "ok"
    assert body["tasks"]["ready"] == 1 and body["tasks"]["due"] == 0


# --- Who sees the purges --------------------------------------------------------------------

PURGES = "/admin/privacy/purges/"


@pytest.mark.parametrize("language, texts", [
    ("it", ["Cancellazioni periodiche", "Messaggi del modulo di contatto: 1 riga eliminata",
            "Richieste di partecipazione e segnalazioni chiuse: 1 riga anonimizzata"]),
    ("en", ["Retention purges", "Contact messages: 1 row deleted",
            "Closed participation requests and referrals: 1 row anonymised"]),
])
def test_superusers_see_each_run_with_its_counts(settings, demo_editor, language, texts):
    one_of_each_kind(settings)
    purge(now=NOW)
    speaks(demo_editor, language)
    client = Client()
    client.force_login(demo_editor)

    page = client.get(PURGES).content.decode()

    for text in texts:
        assert text in page
    assert "Nome0" not in page and "p0@example.org" not in page
    assert PURGES in client.get("/admin/").content.decode()


def segreteria(django_user_model):
    return make_segreteria(django_user_model)


def partner(django_user_model):
    return make_organisation()[1]


def editor(django_user_model):
    user = make_user("redazione2@example.org", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Redazione"))
    return user


@pytest.mark.parametrize("who", [segreteria, editor, partner])
def test_no_one_else_sees_the_purges(django_user_model, who):
    PurgeRun.objects.create(counts={"contact_messages": {"deleted": 3, "anonymised": 0}})
    client = Client(raise_request_exception=False)
    client.force_login(who(django_user_model))

    response = client.get(PURGES)

    assert response.status_code in (302, 403)
    assert "Contact messages" not in response.content.decode()
    if who is not partner:
        assert PURGES not in client.get("/admin/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(PURGES)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The privacy notice lists the same periods ------------------------------------------------


def test_the_demo_privacy_notice_lists_the_periods_the_purge_applies(settings):
    from home.demo import retention_periods
    from home.models import StandardPage

    notice = StandardPage.objects.get(slug="privacy", locale__language_code="it")
    italian, english = retention_periods()
    assert italian in str(notice.body)
    assert "2 anni dalla loro chiusura" in italian and "7 giorni" in italian
    assert "for 2 years after they are closed" in english

    settings.RETENTION_CLOSED_REQUEST_DAYS = 1095
    settings.RETENTION_MAIL_TASK_DAYS = 10
    italian, english = retention_periods()
    assert "3 anni dalla loro chiusura" in italian and "10 giorni" in italian
    assert "3 years" in english and "10 days" in english
