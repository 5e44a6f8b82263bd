"""How long one person's export takes, and in how many queries, whatever the number of
other people: `.venv/bin/python benchmarks/privacy_export.py`.

Migrates a throwaway SQLite database (production settings) under
benchmarks/results/<date-time>-privacy-export/ once, then for each size in SIZES works on
a copy: seeds that many other people (a participation request each with two status
changes, and a fifth as many contact messages and mail tasks, with bulk_create) and one
person with a request, a referral, a contact message and two mails, then finds the person
by email (privacy.subjects.find_subject) and builds the JSON export and the readable
document, counting the queries (CaptureQueriesContext) and timing it.

Prints one markdown table — other people | find (s) | export (s) | queries | rows found —
and exits non-zero when the number of queries differs between the sizes (it must not
grow with other people's rows) or the person's rows are not all found. The time of the
search grows with the table (the email and JSON filters read each row once: see
privacy/subjects.py); the number of queries does not.
"""

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/privacy_export.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sizes import main, print_json, run_per_size  # noqa: E402

SIZES = (5_000, 50_000)
EMAIL = "persona.cercata@example.org"
PHONE = "+393471234567"
EXPECTED = {"participation_requests": 1, "referrals": 1, "contact_messages": 1, "mails": 2}


def log(message):
    print(f"[bench-privacy-export] {message}", file=sys.stderr, flush=True)


COMMON = {"preferred_channel": "email", "employment_status": "unemployed",
          "privacy_notice_version": "2026-11", "language": "it"}


def _mail(to, subject):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mail.sending import send_email

    return DBTaskResult(
        status="SUCCESSFUL", task_path=send_email.module_path, backend_name="default",
        args_kwargs={"args": [[to], subject, "Corpo del messaggio"], "kwargs": {}},
        run_after=timezone.now(), finished_at=timezone.now(), exception_class_path="",
        traceback="")


def _common():
    import datetime as dt

    from django.utils import timezone

    return {**COMMON, "situation_since": dt.date(2025, 5, 1),
            "privacy_acknowledged_at": timezone.now()}


def seed(size):
    """`size` other people: a request each with two status changes; a fifth as many
    contact messages and mails. Then the person (`seed_person`)."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from home.models import ContactPage, ContactSubmission
    from programme.models.participation import ParticipationRequest, StatusChange

    page = ContactPage.objects.filter(locale__language_code="it").first()
    with transaction.atomic():
        others = ParticipationRequest.objects.bulk_create([
            ParticipationRequest(reference=f"MA-2025-{index:06}", first_name="Nome",
                                 last_name=f"Cognome{index}",
                                 email=f"persona{index}@example.org",
                                 phone=f"+3933{index:08}", **_common())
            for index in range(size)], batch_size=1000)
        StatusChange.objects.bulk_create([
            StatusChange(request=request_obj, from_status=from_status, to_status=to_status,
                         note="Una nota")
            for request_obj in others
            for from_status, to_status in (("", "new"), ("new", "contacted"))],
            batch_size=1000)
        if page is not None:
            ContactSubmission.objects.bulk_create([
                ContactSubmission(page=page, form_data={
                    "nome": "Altra persona", "email": f"persona{index}@example.org",
                    "messaggio": "Informazioni"})
                for index in range(size // 5)], batch_size=1000)
        DBTaskResult.objects.bulk_create([_mail(f"persona{index}@example.org", "Oggetto")
                                          for index in range(size // 5)], batch_size=1000)
    seed_person()


def seed_person():
    """The person searched for: a request, a partner's referral (by phone), a contact
    message, two mails (one to her, one naming her request's reference)."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from accounts.models import Organisation
    from home.models import ContactPage, ContactSubmission
    from programme.models.participation import ParticipationRequest, StatusChange

    page = ContactPage.objects.filter(locale__language_code="it").first()
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Associazione della persona", kind=Organisation.Kind.ASSOCIATION,
            tax_code="76543210157", email="info@persona.example.org")
        own = ParticipationRequest.objects.create(
            reference="MA-2026-99999", first_name="Persona", last_name="Cercata",
            email=EMAIL, phone=PHONE, **_common())
        StatusChange.objects.create(request=own, to_status="new")
        ParticipationRequest.objects.create(
            reference="MA-2026-99998", first_name="Persona", last_name="Cercata",
            phone=PHONE, source="partner_referral", organisation=organisation, **_common())
        if page is not None:
            ContactSubmission.objects.create(page=page, form_data={
                "nome": "Persona Cercata", "email": EMAIL, "messaggio": "Informazioni"})
        DBTaskResult.objects.bulk_create([_mail(EMAIL, "Abbiamo ricevuto la tua richiesta"),
                                          _mail("segreteria@example.org",
                                                "Nuova richiesta MA-2026-99999")])


def measure_export():
    """Find the person by email and build both files: {"find_seconds",
    "export_seconds", "queries", "counts"}."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from privacy.subjects import export_document, export_json, find_subject

    with translation.override("it"), CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        subject = find_subject(email=EMAIL)
        found = time.perf_counter()
        json.dumps(export_json(subject), ensure_ascii=False)
        export_document(subject)
        done = time.perf_counter()
    return {"find_seconds": found - began, "export_seconds": done - found,
            "queries": len(queries), "counts": subject.counts()}


def measure(size):
    seed(size)
    return {"size": size, **measure_export()}


def django_side(size):
    import django

    django.setup()
    print_json(measure(size))


def run(sizes, keep):
    return run_per_size(__file__, "privacy-export", sizes, keep, log, demo=True)


def report(results):
    print("| other people | find (s) | export (s) | queries | rows found |")
    print("| ---: | ---: | ---: | ---: | --- |")
    for row in results:
        found = ", ".join(f"{kind} {count}" for kind, count in row["counts"].items() if count)
        print(f"| {row['size']:,} | {row['find_seconds']:.3f} | {row['export_seconds']:.3f} | "
              f"{row['queries']} | {found} |")
    failures = []
    if len({row["queries"] for row in results}) > 1:
        failures.append("one person's export takes more queries when others have more rows")
    for row in results:
        for kind, count in EXPECTED.items():
            if row["counts"].get(kind) != count:
                failures.append(f"{row['size']}: {kind} {row['counts'].get(kind)}, "
                                f"expected {count}")
    return failures


if __name__ == "__main__":
    sys.exit(main(__doc__, SIZES, django_side, run, report, log))
