"""The fault benchmark's own parts (benchmarks/faults.py, `make bench-faults`): its mail
server answers, refuses or stays silent as told, and its count of lost people counts
every person the site failed."""

import smtplib

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from benchmarks.faults import Person, SmtpSink, figures


@pytest.fixture
def sink():
    server = SmtpSink()
    yield server
    server.close()


def send(port, to="fault-sqlite-1@example.org", timeout=1):
    backend = EmailBackend(host="127.0.0.1", port=port, timeout=timeout, fail_silently=False)
    EmailMessage("Abbiamo ricevuto la tua richiesta MA-2026-00001", "Corpo.",
                 "noreply@example.org", [to], connection=backend).send()


def test_up_records_each_message_by_recipient_and_subject(sink):
    sink.set_mode("up")
    send(sink.port)
    send(sink.port, to="Fault-sqlite-2@Example.org")
    assert sink.delivered_to() == {"fault-sqlite-1@example.org": 1,
                                   "fault-sqlite-2@example.org": 1}
    assert sink.messages[0]["subject"] == "Abbiamo ricevuto la tua richiesta MA-2026-00001"


def test_down_refuses_the_connection(sink):
    sink.set_mode("up")
    sink.set_mode("down")
    with pytest.raises(ConnectionRefusedError):
        send(sink.port)
    assert sink.delivered_to() == {}


def test_silent_accepts_and_never_answers_then_comes_back(sink):
    sink.set_mode("silent")
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
        send(sink.port, timeout=0.5)
    assert sink.silent_connections == 1
    sink.set_mode("up")
    send(sink.port)
    assert sink.delivered_to() == {"fault-sqlite-1@example.org": 1}


def person(n, *answers, reference=""):
    someone = Person("burst", [f"email=fault-sqlite-{n}%40example.org"], "csrftoken=x")
    someone.answers = [(status, 1.0, "") for status in answers]
    someone.reference = reference
    return someone


def test_lost_counts_a_stored_request_without_mail_and_a_person_without_a_clear_answer():
    people = [
        person(1, 302, reference="MA-2026-00001"),  # stored, mailed: fine
        person(2, 302, reference="MA-2026-00002"),  # stored, no mail: lost
        person(3, 503, 503, 503),  # told "not sent, try again" each time: not lost
        person(4, 500, "no answer (TimeoutError)"),  # a 500 and silence: lost
        person(5, 500, 302, reference="MA-2026-00005"),  # stored twice, mailed twice
    ]
    stored = {"fault-sqlite-1@example.org": 1, "fault-sqlite-2@example.org": 1,
              "fault-sqlite-5@example.org": 2}
    delivered = {"fault-sqlite-1@example.org": 2, "fault-sqlite-5@example.org": 2}

    result = figures("SQLite", people, stored, delivered, {}, True)

    assert result["attempted"] == 5
    assert result["confirmed"] == 3
    assert result["stored"] == 4
    assert result["delivered"] == 2
    assert result["lost"] == 2
    assert result["lost_mail"] == ["fault-sqlite-2@example.org"]
    assert [address for address, _ in result["unanswered"]] == ["fault-sqlite-4@example.org"]
    assert result["duplicates"] == 2  # person 5 stored twice, person 1 mailed twice
