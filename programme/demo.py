"""Demo content for the programme, from the press release (copied here: the project never
reads ../shared at run time). The release carries no date: the dates below are
placeholders for editors to correct."""

import datetime

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Locale

from home.demo import _add_or_update_child, short_address
from topics.models import Topic

from .models.groups import Group, MeetingSlot
from .models.offices import ResponsibleOffice
from .models.pages import (
    GroupIndexPage,
    NewsIndexPage,
    NewsPage,
    ProgrammePage,
    ProgrammePageVenue,
    ProtocolPage,
    ProtocolSignatory,
)
from .models.participation_page import ParticipationPage
from .models.protocol_versions import ProtocolVersion
from .models.venues import Venue
from .service_categories import ServiceCategory, ServiceStatus
from .workflow import (  # the second one is for load_demo_content, after the translations
    assign_moderation_workflow,
    assign_moderation_workflow_to_sections,  # noqa: F401
)

SIGNED_ON = datetime.date(2012, 5, 8)


def _venue(t, italian):
    venue = Venue.objects.filter(locale=italian, name__startswith="Villa Scheibler").first()
    fields = {
        "name": t("Villa Scheibler – Quarto Oggiaro", "Villa Scheibler – Quarto Oggiaro"),
        "accessibility_notes": t(
            "Ingresso e sala al piano terra, senza gradini. Servizi igienici accessibili.",
            "Step-free entrance and meeting room on the ground floor. Accessible toilets.",
        ),
        "public_transport": t(
            "Stazione Milano Quarto Oggiaro (linee suburbane S1 e S3), poi circa 10 minuti a piedi.",
            "Milano Quarto Oggiaro station (suburban lines S1 and S3), then about a 10-minute walk.",
        ),
        "photo_alt_text": "",
    }
    opening = [{"type": "hours", "value": {"first_day": "0", "last_day": "4",
                                            "opens": "09:00", "closes": "18:00"}}]
    facilities = [
        {"type": "facility", "value": t(it, en)}
        for it, en in [
            ("10 postazioni informatiche", "10 computer workstations"),
            ("Fotocopiatrice", "Photocopier"),
            ("Giornali e offerte di lavoro", "Newspapers and job listings"),
            (
                "Colloqui di orientamento con operatori specializzati",
                "Orientation interviews with specialised staff",
            ),
        ]
    ]
    if venue is None:
        venue = Venue.objects.create(
            locale=italian, street_address="via Felice Orsini 21", postal_code="20157",
            city="Milano", latitude="45.517850", longitude="9.138680",
            opening_hours=opening, facilities=facilities, **fields,
        )
    return _published(venue)


def _published(snippet):
    """`snippet` (a venue or group) live through a published revision, as Approvazione
    would leave it: its history and "compare" start from the demo content."""
    if snippet.live_revision_id is None:
        snippet.save_revision().publish()
        snippet.refresh_from_db()
    return snippet


GROUPS = [
    # (name it, name en, description it, description en, facilitators, slots)
    (
        "Ripartire insieme",
        "Starting again together",
        "Per chi ha perso il lavoro da poco: ci si racconta, si condividono strategie e "
        "contatti, si ritrova un ritmo nella settimana.",
        "For people who recently lost their job: we share our stories, strategies and "
        "contacts, and find a rhythm for the week again.",
        "Anna, Marco",
        [(1, "10:00", "12:00")],
    ),
    (
        "Cassa integrazione: parliamone",
        "Wage support: let's talk about it",
        "Per lavoratrici e lavoratori in cassa integrazione: l'attesa, l'incertezza, come "
        "prepararsi al rientro o a un nuovo lavoro.",
        "For workers on wage support (cassa integrazione): the wait, the uncertainty, how "
        "to prepare for going back or for a new job.",
        "Lucia",
        [(3, "14:30", "16:30")],
    ),
    (
        "Primo lavoro",
        "First job",
        "Per chi non ha mai avuto un lavoro: curriculum, colloqui, e il coraggio di "
        "presentarsi, con il sostegno del gruppo.",
        "For people who have never had a job: CVs, interviews, and the courage to put "
        "yourself forward, with the group's support.",
        "Paolo, Sara",
        [(0, "15:00", "17:00"), (4, "10:00", "11:30")],
    ),
]


def _groups(t, italian, venue):
    groups = []
    for name_it, name_en, desc_it, desc_en, facilitators, slots in GROUPS:
        group = Group.objects.filter(locale=italian, name=name_it).first()
        t(name_it, name_en)
        t(desc_it, desc_en)
        if group is None:
            group = Group(
                locale=italian, name=name_it, description=desc_it, venue=venue,
                facilitators=facilitators, capacity=12,
            )
            group.slots = [
                MeetingSlot(weekday=day, start=start, end=end) for day, start, end in slots
            ]
            group.save()
        groups.append(_published(group))
    return groups


TOPICS = [
    # (name it, name en, slug it, slug en, description it, description en)
    ("Lavoro", "Work", "lavoro", "work",
     "Cercare lavoro, perderlo, ritrovarlo: i servizi del Comune per chi lavora o lo cerca.",
     "Looking for work, losing it, finding it again: the City's services for workers and "
     "job seekers."),
    ("Formazione", "Training", "formazione", "training",
     "Corsi e percorsi per imparare un mestiere o rimettersi in gioco.",
     "Courses and paths to learn a trade or get back into the game."),
    ("Inclusione sociale", "Social inclusion", "inclusione-sociale", "social-inclusion",
     "Sostegno a chi rischia di restare ai margini: ascolto, reti, gruppi di auto aiuto.",
     "Support for people at risk of being left out: listening, networks, self-help groups."),
]


def _topics(t, italian):
    topics = []
    for name_it, name_en, slug_it, slug_en, desc_it, desc_en in TOPICS:
        fields = {"name": t(name_it, name_en), "slug": t(slug_it, slug_en),
                  "description": t(desc_it, desc_en)}
        topic = Topic.objects.filter(locale=italian, slug=slug_it).first()
        if topic is None:
            topic = Topic.objects.create(locale=italian, **fields)
        topics.append(topic)
    return topics


# The office's values of demo sites made before it matched the site's ContactDetails:
# an office still holding them is moved to the current ones (an edited one is kept).
_OLD_DEMO_OFFICE = {
    "phone": "02 0000 0000",
    "email": "segreteria.lavoro@comune.milano.example",
    "pec": "lavoro@pec.comune.milano.example",
}
_OLD_DEMO_HOURS = {
    "Dal lunedì al venerdì, dalle 9 alle 13 (dato dimostrativo)",
    "Monday to Friday, 9 am to 1 pm (demo data)",
}


def _office(t, italian):
    # The same phone, hours, email and PEC as the site's contact details (home.demo.
    # _contact_fields), which the same page shows under "Come fare" and in the footer:
    # two numbers on one page would send people to the wrong one. The addresses are on
    # reserved example domains (mail to them goes nowhere); editors set the office's own.
    from home.demo import _contact_fields

    contact = _contact_fields(t)
    fields = {
        "name": t("Segreteria del programma — Area Lavoro e Formazione",
                  "Programme office — Work and Training Area"),
        "street_address": "Villa Scheibler, via Felice Orsini 21",
        "postal_code": "20157",
        "city": "Milano",
        "phone": contact["phone_primary"],
        "email": contact["email"],
        "pec": contact["pec"],
        "opening_hours": contact["opening_hours"],
    }
    office = ResponsibleOffice.objects.filter(locale=italian).first()
    if office is None:
        office = ResponsibleOffice.objects.create(locale=italian, **fields)
    else:
        _update_an_old_demo_office(office, fields, t)
    return office


def _update_an_old_demo_office(office, fields, t):
    """Give an office still holding an older demo's placeholders (phone, addresses and
    hours unchanged by editors) the current demo values, in Italian and its translations."""
    if any(getattr(office, name) != value for name, value in _OLD_DEMO_OFFICE.items()):
        return
    if office.opening_hours not in _OLD_DEMO_HOURS:
        return
    synchronised = {name: fields[name] for name in _OLD_DEMO_OFFICE}
    for each in [office, *office.get_translations()]:
        for name, value in synchronised.items():
            setattr(each, name, value)
        if each.opening_hours in _OLD_DEMO_HOURS:
            hours = fields["opening_hours"]
            each.opening_hours = hours if each.pk == office.pk else t.get(hours, hours)
        each.save()


def _service_sheet(programme, office, topics):
    """The service sheet's fields added after the demo's first version, set where they are
    still empty (on the Italian page and its translations), so that a demo site made
    before them gets them too; what editors set is kept."""
    for page in [programme, *programme.get_translations()]:
        page = page.specific
        changed = False
        if page.responsible_office_id is None:
            page.responsible_office, changed = office, True
        if page.conditions_document_id is None:
            page.conditions_document, changed = _protocol_document(), True
        if not page.topics.exists():
            page.topics.set(topics)
            changed = True
        if changed:
            page.save_revision().publish()


def _section(t, *pairs):
    return [{"type": "paragraph", "value": t.rich(*pairs)}]


def _programme_fields(t):
    return {
        "title": t("Il programma di auto mutuo aiuto", "The mutual self-help programme"),
        "slug": t("programma", "programme"),
        "show_in_menus": True,
        "introduction": t(
            "Spazi di confronto e dialogo per sostenere le persone disoccupate, inoccupate o in "
            "cassa integrazione, nell'ambito del Servizio supporti attivi per il lavoro.",
            "Spaces for exchange and dialogue that support people who are unemployed, have never "
            "had a job or are on wage support, as part of the city's active job-support service.",
        ),
        "for_whom": _section(t, (
            "Persone che hanno perso il lavoro, che non lo hanno mai avuto o che sono in cassa "
            "integrazione. Spesso la perdita del lavoro toglie identità, autostima e fiducia: "
            "il gruppo aiuta a ritrovarle.",
            "People who lost their job, who never had one, or who are on wage support. Losing "
            "a job often takes away identity, self-esteem and confidence: the group helps to "
            "find them again.",
        )),
        "how_to": _section(
            t,
            (
                "Compila la richiesta di partecipazione online, oppure vieni in via Felice Orsini "
                "21, telefona al 02 884 47502 o al 02 884 45019, o scrivi a "
                "infolavoro@example.org.",
                "Fill in the application online, or come to via Felice Orsini 21, call 02 884 "
                "47502 or 02 884 45019, or write to infolavoro@example.org.",
            ),
            (
                "Puoi anche essere indicato dal sindacato o inviato da un'associazione o "
                "un'agenzia della rete con cui il Comune collabora.",
                "The trade union can also put you forward, or an association or agency the "
                "City works with can refer you.",
            ),
        ),
        "what_you_need": _section(t, (
            "Niente di particolare: un recapito (telefono o email) per essere ricontattato.",
            "Nothing in particular: a phone number or an email address so we can contact you.",
        )),
        "what_you_get": _section(t, (
            "Incontri di gruppo con facilitatori formati all'ascolto attivo, un breve percorso "
            "formativo per il reinserimento nel lavoro, l'uso delle postazioni informatiche e "
            "colloqui di orientamento.",
            "Group meetings with facilitators trained in active listening, a short training "
            "course to get back into work, use of the computer workstations and orientation "
            "interviews.",
        )),
        "timing": _section(t, (
            "Ti ricontattiamo entro 5 giorni lavorativi. I gruppi si incontrano ogni settimana, "
            "dal lunedì al venerdì tra le 9 e le 18.",
            "We contact you within 5 working days. The groups meet every week, Monday to Friday "
            "between 9 am and 6 pm.",
        )),
        "access": _section(t, (
            "La richiesta è gratuita e non serve registrarsi.",
            "Applying is free and you do not need an account.",
        )),
        "conditions": _section(t, (
            "La partecipazione è libera e volontaria; ciò che si dice nel gruppo resta nel gruppo.",
            "Taking part is free and voluntary; what is said in the group stays in the group.",
        )),
        # The office (ResponsibleOffice) is the section's contact; this is what it adds.
        "contacts": _section(t, (
            "Puoi anche scriverci dal modulo di contatto del sito.",
            "You can also write to us from the site's contact form.",
        )),
        "category": ServiceCategory.WORK_LIFE,
        "service_status": ServiceStatus.ACTIVE,
    }


PRESS_RELEASE = [
    (
        "Attenzione e supporto alle persone che perdono il lavoro. È l'obiettivo dell'accordo "
        "di collaborazione sottoscritto tra l'Assessorato alle Politiche del Lavoro del Comune "
        "di Milano e la Camera del Lavoro metropolitana per la realizzazione di percorsi di auto "
        "mutuo aiuto nell'ambito del servizio supporti attivi per il lavoro.",
        "Care and support for people who lose their job. That is the aim of the cooperation "
        "agreement signed by the City of Milan's labour policy department and the metropolitan "
        "Camera del Lavoro to run mutual self-help programmes within the active job-support "
        "service.",
    ),
    (
        "«Questo protocollo ha lo scopo di potenziare i servizi di riqualificazione professionale "
        "e di ricerca attiva del lavoro già operanti presso le sedi comunali. Spesso la perdita "
        "del lavoro provoca nei soggetti interessati forme di depressione che rendono più "
        "complessa anche la ricollocazione sul mercato del lavoro», ha detto l'assessore alle "
        "Politiche per il Lavoro Cristina Tajani.",
        "“This protocol aims to strengthen the retraining and active job-search services "
        "already running at the City's offices. Losing a job often leads to forms of depression "
        "that make finding a new place in the labour market harder too,” said Cristina Tajani, "
        "the City's councillor for labour policy.",
    ),
    (
        "«Lo spazio per l'auto aiuto di persone che, con la perdita del lavoro, hanno perso la loro "
        "identità e l'autostima coglie un bisogno diffuso e rende più efficaci gli altri strumenti "
        "del mercato del lavoro», ha aggiunto Corrado Mandreoli, segretario della Camera del "
        "Lavoro di Milano.",
        "“A space for the self-help of people who, with their job, lost their identity and "
        "self-esteem meets a widespread need and makes the other labour-market tools more "
        "effective,” added Corrado Mandreoli, secretary of the Camera del Lavoro di Milano.",
    ),
    (
        "Il Comune mette a disposizione gli spazi di Villa Scheibler a Quarto Oggiaro per incontri "
        "di gruppo, dalle 9 alle 18, con 10 postazioni informatiche, fotocopiatrice, giornali e "
        "operatori specializzati per colloqui di orientamento.",
        "The City provides rooms at Villa Scheibler in Quarto Oggiaro for group meetings from "
        "9 am to 6 pm, with 10 computer workstations, a photocopier, newspapers and specialised "
        "staff for orientation interviews.",
    ),
    (
        "I gruppi ospitano persone selezionate attraverso la banca dati del Servizio supporti "
        "attivi per il lavoro o indicate dal sindacato; è previsto anche l'invio di candidati da "
        "associazioni e agenzie della rete con cui il Comune collabora.",
        "The groups welcome people selected from the active job-support service's database or "
        "put forward by the union; associations and agencies the City works with can also refer "
        "candidates.",
    ),
    (
        "Per informazioni: via Felice Orsini 21, telefono 02 884 47502 o 02 884 45019, email "
        "infolavoro@example.org.",
        "For information: via Felice Orsini 21, phone 02 884 47502 or 02 884 45019, email "
        "infolavoro@example.org.",
    ),
]


def _minimal_pdf(text):
    """A one-page PDF standing in for the scanned signed protocol in the demo."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _protocol_document():
    Document = get_document_model()
    document = Document.objects.filter(title="Protocollo d'intesa firmato").first()
    if document is None:
        document = Document(title="Protocollo d'intesa firmato")
        content = _minimal_pdf("Protocollo d'intesa - auto mutuo aiuto (demo)")
        # The size as Wagtail's upload form records it (the service sheet shows it).
        document.file_size = len(content)
        document.file.save("protocollo-mutuo-aiuto.pdf", ContentFile(content))
        document.save()
    return document


def build(t, home, standard_pages):
    """Build the programme's Italian content under `home`; return what to translate."""
    italian = Locale.get_default()
    venue = _venue(t, italian)
    groups = _groups(t, italian, venue)

    topics = _topics(t, italian)
    office = _office(t, italian)
    programme, created = _add_or_update_child(home, ProgrammePage, _programme_fields(t))
    if created:
        programme.venue_links = [ProgrammePageVenue(venue=venue)]
        programme.save_revision().publish()
    _service_sheet(programme, office, topics)

    group_index, _created = _add_or_update_child(home, GroupIndexPage, {
        "title": t("Gruppi e calendario", "Groups and schedule"),
        "slug": t("gruppi", "groups"),
        "show_in_menus": True,
        "introduction": t.rich((
            "Dove e quando si incontrano i gruppi. Puoi aggiungere gli incontri al tuo calendario.",
            "Where and when the groups meet. You can add the meetings to your calendar.",
        )),
    })

    news_index, _created = _add_or_update_child(home, NewsIndexPage, {
        "title": t("Notizie", "News"),
        "slug": t("notizie", "news"),
        "show_in_menus": True,
        "introduction": t("Le novità del programma.", "What's new in the programme."),
    })
    article, _created = _add_or_update_child(news_index, NewsPage, {
        "title": t(
            "Crisi: da Comune e Camera del Lavoro percorsi di mutuo aiuto per disoccupati, "
            "inoccupati e cassa integrati",
            "Crisis: City and Camera del Lavoro start mutual-aid groups for the unemployed, "
            "first-job seekers and workers on wage support",
        ),
        "slug": t("percorsi-di-mutuo-aiuto", "mutual-aid-programmes"),
        "date": SIGNED_ON,
        "summary": t(
            "Firmato il protocollo tra l'Assessorato alle Politiche del Lavoro e la Camera del "
            "Lavoro metropolitana: gruppi di auto mutuo aiuto a Villa Scheibler.",
            "The protocol between the City's labour policy department and the metropolitan "
            "Camera del Lavoro is signed: mutual self-help groups at Villa Scheibler.",
        ),
        "body": [{"type": "paragraph", "value": t.rich(*PRESS_RELEASE)}],
    })

    protocol, created = _add_or_update_child(home, ProtocolPage, {
        "title": t("Il protocollo d'intesa", "The protocol"),
        "slug": t("protocollo", "protocol"),
        "show_in_menus": True,
        "signed_on": SIGNED_ON,
        "versions": [ProtocolVersion(number="1.0", date=SIGNED_ON,
                                     document=_protocol_document())],
        "body": _section(
            t,
            (
                "Il protocollo estende il modello dei gruppi di auto mutuo aiuto sperimentati dalla "
                "Camera del Lavoro agli spazi comunali, con supporto formativo e logistico.",
                "The protocol extends the self-help group model piloted by the Camera del Lavoro "
                "to the City's premises, with training and logistical support.",
            ),
            (
                "Il Comune mette a disposizione gli spazi di Villa Scheibler e, come facilitatrici, "
                "operatrici con competenze di ascolto attivo, con un breve percorso formativo ad "
                "hoc per favorire il reinserimento nel mercato del lavoro.",
                "The City provides the rooms at Villa Scheibler and, as facilitators, staff "
                "skilled in active listening, with a short dedicated training course to help "
                "participants back into the labour market.",
            ),
            (
                "I firmatari si impegnano a valorizzare le esperienze collaborative e ad accogliere "
                "altri operatori, pubblici o privati, interessati a partecipare e ampliare "
                "l'accordo.",
                "The signatories undertake to build on their joint experience and to welcome "
                "other public or private operators who wish to take part in and extend the "
                "agreement.",
            ),
        ),
    })
    if created:
        protocol.signatories = [
            ProtocolSignatory(
                organisation=t(
                    "Comune di Milano – Assessorato alle Politiche del Lavoro",
                    "City of Milan – Labour policy department",
                ),
                representative=t("Cristina Tajani", "Cristina Tajani"),
                role=t("Assessora alle Politiche per il Lavoro", "Councillor for labour policy"),
            ),
            ProtocolSignatory(
                organisation=t(
                    "Camera del Lavoro Metropolitana di Milano",
                    "Camera del Lavoro Metropolitana di Milano (metropolitan trade-union chamber)",
                ),
                representative=t("Corrado Mandreoli", "Corrado Mandreoli"),
                role=t("Segretario", "Secretary"),
            ),
        ]
        protocol.save_revision().publish()
    else:
        for signatory in protocol.signatories.all():
            t(signatory.organisation, signatory.organisation)

    intake, _created = _add_or_update_child(home, ParticipationPage, {
        "title": t("Richiesta di partecipazione", "Apply to join a group"),
        "slug": t("partecipa", "apply"),
        "introduction": t.rich((
            "Compila il modulo: ti ricontattiamo entro 5 giorni lavorativi per conoscerti e "
            "proporti un gruppo. Non serve registrarsi.",
            "Fill in the form: we will contact you within 5 working days to get to know you and "
            "suggest a group. You do not need an account.",
        )),
        "privacy_page": standard_pages["privacy"],
        # The office's phone number follows on the page, as a link, from ContactDetails.
        "thank_you_text": t.rich((
            "Ti contatteremo per conoscerci e proporti il gruppo più adatto a te.",
            "We will contact you to get to know you and suggest the group that suits you best.",
        )),
    })
    short_address("/partecipa", intake)

    for page_with_button in (programme, group_index):
        if page_with_button.intake_page_id is None:
            page_with_button.intake_page = intake
            page_with_button.save_revision().publish()
    if home.news_index_id is None or home.participate_page_id != intake.pk:
        home.news_index = news_index
        home.participate_page = intake
        home.save_revision().publish()

    # The Italian sections now; load_demo_content adds the English ones once translated.
    assign_moderation_workflow([programme, news_index, protocol])

    return [venue, *groups, *topics, office, programme, group_index, news_index, article, protocol, intake]
