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
    data.update(spam_fields())
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def spam_fields():
    """Spam-protection fields of a person who filled the form normally (filled in once
    the protection is plugged in)."""
    return {}
