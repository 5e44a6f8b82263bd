"""Valid submissions of the public forms, as a browser would post them."""

from programme.models import Venue


def intake_data(**overrides):
    venue = Venue.objects.filter(locale__language_code="it").first()
    data = {
        "first_name": "Giulia",
        "last_name": "Rossi",
        "email": "giulia.rossi@example.org",
        "phone": "02 884 47502",
        "preferred_channel": "email",
        "employment_status": "unemployed",
        "since_month": "3",
        "since_year": "2026",
        "preferred_venue": str(venue.pk) if venue else "",
        "preferred_times": ["mornings"],
        "heard_from": "flyer",
        "note": "Vorrei partecipare il martedì.",
        "privacy": "on",
    }
    data.update(spam_fields())
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def contact_data(**overrides):
    data = {
        "nome": "Mario Bianchi",
        "email": "mario@example.org",
        "telefono": "",
        "messaggio": "Vorrei informazioni sui gruppi.",
        "privacy_acknowledgement": "on",
    }
    data.update(spam_fields("contact"))
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def spam_fields(form_name="intake"):
    """The spam-protection fields of a person who filled the form normally: opened a
    minute ago, challenge solved by the browser, trap left empty."""
    import base64
    import json
    import time

    from altcha import v1 as altcha_v1

    from antispam.altcha import create_challenge
    from antispam.forms import issue_token

    challenge = create_challenge()
    solution = altcha_v1.solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    payload = {
        "algorithm": challenge["algorithm"], "challenge": challenge["challenge"],
        "number": solution.number, "salt": challenge["salt"],
        "signature": challenge["signature"], "took": 1000,
    }
    return {
        "form_token": issue_token(form_name, issued_at=time.time() - 60),
        "altcha": base64.b64encode(json.dumps(payload).encode()).decode(),
        "website": "",
    }


def subject_request_data(**overrides):
    """A person's request about their own data (privacy's public form)."""
    data = {
        "kind": "access",
        "name": "Paola Neri",
        "email": "paola.neri@example.org",
        "phone": "02 884 47502",
        "request_reference": "",
        "message": "Vorrei sapere quali dati conservate.",
        "acknowledgement": "on",
    }
    data.update(spam_fields("data-protection"))
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
