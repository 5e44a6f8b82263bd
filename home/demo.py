"""Demo content for the site-wide pages, from the City of Milan's press release.

Every Italian string goes through `t(italian, english)`, which also records its English
translation: the English pages are then made by wagtail-localize from the same table.
"""

import uuid

from django.conf import settings
from wagtail.models import Locale, Page, Site

from . import legal_demo
from .localize import translate
from .models import (
    ContactDetails,
    ContactFormField,
    ContactPage,
    FooterLinks,
    HomePage,
    ProblemReportPage,
    SiteMapPage,
    StandardPage,
)


class Strings(dict):
    """Italian source string -> English translation, filled while writing the Italian."""

    def __call__(self, italian, english):
        self[italian] = english
        return italian

    def rich(self, *pairs, tag="p"):
        return "".join(f"<{tag}>{self(it, en)}</{tag}>" for it, en in pairs)

    def bullets(self, *pairs):
        return "<ul>" + self.rich(*pairs, tag="li") + "</ul>"


def _period(days, italian):
    """«2 anni»/"2 years" for whole years, else «30 giorni»/"30 days"."""
    if days % 365 == 0:
        years = days // 365
        return (f"{years} anno" if years == 1 else f"{years} anni") if italian else (
            f"{years} year" if years == 1 else f"{years} years")
    return f"{days} giorni" if italian else f"{days} days"


def retention_periods():
    """The privacy notice's retention paragraph (Italian, English), read from the
    RETENTION_* settings the daily purge applies, so the notice cannot drift from it."""
    from django.conf import settings as periods

    def p(name, italian):
        return _period(getattr(periods, name), italian)

    return (
        "Conserviamo i dati solo per il tempo necessario, poi li cancelliamo o li rendiamo "
        "anonimi in automatico: le richieste di partecipazione e le segnalazioni degli enti "
        "partner per "
        f"{p('RETENTION_CLOSED_REQUEST_DAYS', True)} dalla loro chiusura (poi restano solo "
        "dati statistici anonimi); i messaggi del modulo di contatto per "
        f"{p('RETENTION_CONTACT_MESSAGE_DAYS', True)}; le segnalazioni di disservizio per "
        f"{p('RETENTION_CONTACT_MESSAGE_DAYS', True)}; i commenti lasciati con la "
        "valutazione di una pagina per "
        f"{p('RETENTION_RATING_COMMENT_DAYS', True)}; le note del personale sulle richieste "
        f"per {p('RETENTION_STATUS_NOTE_DAYS', True)}; nome e ruolo di chi firma "
        "un'adesione respinta o ritirata per "
        f"{p('RETENTION_ADHESION_SIGNATORY_DAYS', True)}; gli inviti scaduti o revocati per "
        f"{p('RETENTION_INVITATION_DAYS', True)}; le email inviate dal sito per "
        f"{p('RETENTION_MAIL_TASK_DAYS', True)}; i dati degli accessi all'area riservata "
        f"(indirizzo IP, browser) per {p('RETENTION_SESSION_DAYS', True)}; le richieste "
        "sui dati personali per "
        f"{p('RETENTION_SUBJECT_REQUEST_DAYS', True)} dalla risposta; le prenotazioni di "
        f"appuntamenti per {p('RETENTION_BOOKING_DAYS', True)} dopo l'appuntamento (poi "
        "restano solo il codice, il servizio, l'orario e il motivo); il registro di "
        f"chi ha consultato o modificato i dati per {p('RETENTION_AUDIT_DAYS', True)}.",
        "We keep data only as long as needed, then delete or anonymise it automatically: "
        "participation requests and partner organisations' referrals for "
        f"{p('RETENTION_CLOSED_REQUEST_DAYS', False)} after they are closed (only anonymous "
        "statistics remain); contact messages for "
        f"{p('RETENTION_CONTACT_MESSAGE_DAYS', False)}; problem reports (“Segnala "
        f"disservizio”) for {p('RETENTION_CONTACT_MESSAGE_DAYS', False)}; comments left "
        f"with a page rating for {p('RETENTION_RATING_COMMENT_DAYS', False)}; staff notes "
        f"on requests for "
        f"{p('RETENTION_STATUS_NOTE_DAYS', False)}; the name and role of the signatory of a "
        f"rejected or withdrawn adhesion for {p('RETENTION_ADHESION_SIGNATORY_DAYS', False)}; "
        f"expired or revoked invitations for {p('RETENTION_INVITATION_DAYS', False)}; mails "
        f"sent by the site for {p('RETENTION_MAIL_TASK_DAYS', False)}; sign-in records of "
        f"the partner area (IP address, browser) for {p('RETENTION_SESSION_DAYS', False)}; "
        "data protection requests for "
        f"{p('RETENTION_SUBJECT_REQUEST_DAYS', False)} after they are answered; "
        f"appointment bookings for {p('RETENTION_BOOKING_DAYS', False)} after the "
        "appointment (then only the code, service, time and reason remain); "
        "the record of who viewed or changed the data for "
        f"{p('RETENTION_AUDIT_DAYS', False)}.",
    )


def _home_fields(t):
    return {
        "title": t("Mutuo aiuto per il lavoro", "Mutual aid for work"),
        "slug": t("mutuo-aiuto-lavoro", "mutual-aid-for-work"),
        "seo_title": t(
            "Gruppi di auto mutuo aiuto per chi cerca lavoro a Milano",
            "Self-help groups for people looking for work in Milan",
        ),
        "search_description": t(
            "Comune di Milano e Camera del Lavoro: gruppi di auto mutuo aiuto per persone "
            "disoccupate, inoccupate o in cassa integrazione.",
            "City of Milan and Camera del Lavoro: self-help groups for people who are "
            "unemployed, have never had a job, or are on wage support.",
        ),
        "intro": t.rich(
            (
                "Perdere il lavoro pesa: sull'autostima, sulle relazioni, sulla voglia di "
                "ricominciare. Nei gruppi di auto mutuo aiuto ci si incontra con altre persone "
                "nella stessa situazione, con facilitatori formati, per ritrovare fiducia e "
                "affrontare insieme la ricerca di un nuovo impiego.",
                "Losing your job weighs on you: on your self-esteem, your relationships, your "
                "will to start again. In the self-help groups you meet other people in the same "
                "situation, with trained facilitators, to regain confidence and face the search "
                "for a new job together.",
            ),
            (
                "Il progetto nasce dal protocollo d'intesa tra l'Assessorato alle Politiche del "
                "Lavoro del Comune di Milano e la Camera del Lavoro Metropolitana di Milano. "
                "Partecipare è gratuito.",
                "The project comes from the protocol signed by the City of Milan's labour "
                "policy department and the Camera del Lavoro Metropolitana di Milano (the "
                "metropolitan trade-union chamber). Taking part is free.",
            ),
        ),
        "audience": t.rich(
            ("I gruppi sono aperti a chi vive a Milano ed è:", "The groups are open to people "
             "who live in Milan and are:"),
        )
        + t.bullets(
            ("disoccupato o disoccupata, dopo aver perso il lavoro;",
             "unemployed, after losing their job;"),
            ("inoccupato o inoccupata, senza aver mai avuto un lavoro;",
             "looking for their first job, having never had one;"),
            ("in cassa integrazione.", "on wage support (cassa integrazione)."),
        ),
    }


def _list_items(values):
    """A ListBlock's items in Wagtail's current raw form ({"type": "item", "value", "id"}),
    ids derived from the values so a second load writes the same. wagtail-localize finds
    no segment in the older bare-value form: the English FAQ kept the Italian questions."""
    return [{"type": "item", "value": value,
             "id": str(uuid.uuid5(uuid.NAMESPACE_URL, repr(sorted(value.items()))))}
            for value in values]


def _standard_pages(t):
    """The pages every municipal site links from its footer, plus the FAQ."""
    return [
        {
            "key": "faq",
            "title": t("Domande frequenti", "Frequently asked questions"),
            "slug": t("domande-frequenti", "faq"),
            "show_in_menus": False,  # linked from every footer
            "introduction": t(
                "Le risposte alle domande che ci fanno più spesso sui gruppi di auto mutuo aiuto.",
                "Answers to the questions we are asked most often about the self-help groups.",
            ),
            "body": [
                {
                    "type": "faq",
                    "value": {
                        "title": "",
                        "questions": _list_items([
                            {
                                "question": t("Quanto costa partecipare?", "How much does it cost?"),
                                "answer": t.rich((
                                    "Niente: i gruppi sono gratuiti.",
                                    "Nothing: the groups are free.",
                                )),
                            },
                            {
                                "question": t(
                                    "Che cos'è un gruppo di auto mutuo aiuto?",
                                    "What is a self-help group?",
                                ),
                                "answer": t.rich((
                                    "Un piccolo gruppo di persone che vivono la stessa difficoltà "
                                    "e si incontrano regolarmente per ascoltarsi e sostenersi, con "
                                    "l'aiuto di una facilitatrice o di un facilitatore formato "
                                    "all'ascolto attivo.",
                                    "A small group of people going through the same difficulty "
                                    "who meet regularly to listen to and support each other, with "
                                    "the help of a facilitator trained in active listening.",
                                )),
                            },
                            {
                                "question": t(
                                    "Qual è l'orario dello sportello?",
                                    "What are the office's opening hours?",
                                ),
                                "answer": t.rich((
                                    "Dal lunedì al venerdì, dalle 9 alle 18, in via Felice "
                                    "Orsini 21; nello stesso orario rispondiamo al telefono, "
                                    "02 884 47502.",
                                    "Monday to Friday, 9 am to 6 pm, at via Felice Orsini 21; "
                                    "we answer the phone in the same hours, 02 884 47502.",
                                )),
                            },
                            {
                                "question": t("Dove si svolgono gli incontri?", "Where do the groups meet?"),
                                "answer": t.rich((
                                    "Negli spazi comunali di Villa Scheibler, a Quarto Oggiaro "
                                    "(via Felice Orsini 21), aperti dalle 9 alle 18, con 10 "
                                    "postazioni informatiche, fotocopiatrice e giornali.",
                                    "In the city's premises at Villa Scheibler, Quarto Oggiaro "
                                    "(via Felice Orsini 21), open from 9 am to 6 pm, with 10 "
                                    "computer workstations, a photocopier and newspapers.",
                                )),
                            },
                            {
                                "question": t(
                                    "Posso essere segnalato da un'associazione?",
                                    "Can an association refer me?",
                                ),
                                "answer": t.rich((
                                    "Sì. Partecipano persone selezionate dalla banca dati del "
                                    "Servizio supporti attivi per il lavoro, indicate dal sindacato "
                                    "o inviate dalle associazioni e agenzie della rete con cui il "
                                    "Comune collabora.",
                                    "Yes. Participants are selected from the database of the "
                                    "city's active job-support service, put forward by the trade "
                                    "union or sent by the associations and agencies the City works "
                                    "with.",
                                )),
                            },
                        ]),
                    },
                }
            ],
        },
        {
            "key": "privacy",
            "title": t("Informativa sulla privacy", "Privacy notice"),
            "slug": t("privacy", "privacy-notice"),
            **legal_demo.privacy_notice(t, retention_periods()),
        },
        {
            "key": "accessibility",
            "title": t("Dichiarazione di accessibilità", "Accessibility statement"),
            "slug": t("accessibilita", "accessibility"),
            **legal_demo.accessibility_statement(t),
        },
        {
            "key": "legal",
            "title": t("Note legali", "Legal notes"),
            "slug": t("note-legali", "legal-notes"),
            **legal_demo.legal_notes(t),
        },
    ]


def _contact_fields(t):
    return {
        "office_name": t(
            "Servizio supporti attivi per il lavoro – Villa Scheibler",
            "Active job-support service – Villa Scheibler",
        ),
        "street_address": "via Felice Orsini 21",
        "postal_code": "20157",
        "city": "Milano",
        "phone_primary": "02 884 47502",
        "phone_secondary": "02 884 45019",
        "email": "infolavoro@example.org",
        "pec": "infolavoro@pec.example.org",
        "opening_hours": t("dal lunedì al venerdì, 9:00–18:00", "Monday to Friday, 9 am–6 pm"),
        "facebook_url": "https://www.facebook.com/ComunediMilano",
    }


def _contact_page(t, home):
    page, created = _add_or_update_child(home, ContactPage, {
        "title": t("Contattaci", "Contact us"),
        "slug": t("contatti", "contact"),
        "show_in_menus": True,
        "introduction": t.rich((
            "Scrivici per avere informazioni sui gruppi di auto mutuo aiuto. Ti rispondiamo "
            "entro 5 giorni lavorativi. Non scrivere informazioni sulla tua salute.",
            "Write to us for information about the self-help groups. We answer within 5 "
            "working days. Please do not write about your health.",
        )),
        "thank_you_text": t.rich((
            "Se hai bisogno di una risposta urgente, telefona al 02 884 47502.",
            "If you need an urgent answer, call 02 884 47502.",
        )),
        # Staff recipients come from the environment (example.org in development), never
        # from the demo: a developer's test message must not reach a real office.
        "to_address": ", ".join(settings.STAFF_NOTIFICATION_EMAILS),
        "subject": t("Nuovo messaggio dal sito Mutuo Aiuto Lavoro",
                     "New message from the Mutual Aid for Work website"),
    })
    if created:
        page.form_fields = [
            ContactFormField(label=t("Nome e cognome", "Full name"), clean_name="nome",
                             field_type="singleline", required=True),
            ContactFormField(label=t("Email", "Email"), clean_name="email",
                             field_type="email", required=True),
            ContactFormField(label=t("Telefono", "Phone"), clean_name="telefono",
                             field_type="phone", required=False,
                             help_text=t("Facoltativo.", "Optional.")),
            ContactFormField(label=t("Messaggio", "Message"), clean_name="messaggio",
                             field_type="multiline", required=True,
                             help_text=t("Al massimo 2000 caratteri.", "At most 2,000 characters.")),
        ]
        page.save_revision().publish()
    return page


def _problem_report_page(t, home):
    """«Segnala disservizio»: its fields are the page type's own (home.problem_reports)."""
    page, _created = _add_or_update_child(home, ProblemReportPage, {
        "title": t("Segnala disservizio", "Report a problem"),
        "slug": t("segnala-disservizio", "report-a-problem"),
        "show_in_menus": False,
        "introduction": t.rich((
            "Hai trovato un'informazione sbagliata, un collegamento che non funziona, un "
            "modulo che non si invia o un problema di accessibilità? Segnalacelo: la "
            "Segreteria lo esamina e lo corregge.",
            "Did you find wrong information, a link that does not work, a form that "
            "cannot be sent or an accessibility problem? Tell us: the office looks into "
            "it and puts it right.",
        )),
        "thank_you_text": t.rich((
            "Se hai lasciato un contatto, ti scriviamo quando il problema è risolto.",
            "If you left a contact, we will write to you once the problem is solved.",
        )),
        # As the contact page's: recipients from the environment, never from the demo.
        "to_address": ", ".join(settings.STAFF_NOTIFICATION_EMAILS),
        "subject": t("Nuova segnalazione di disservizio dal sito Mutuo Aiuto Lavoro",
                     "New problem report from the Mutual Aid for Work website"),
    })
    return page


def _site_map_page(t, home):
    page, _created = _add_or_update_child(home, SiteMapPage, {
        "title": t("Mappa del sito", "Site map"),
        "slug": t("mappa-del-sito", "site-map"),
        "show_in_menus": False,
        "introduction": t("Tutte le pagine del sito, sezione per sezione.",
                          "Every page of the site, section by section."),
    })
    return page


def short_address(old_path, page):
    """A flyer-friendly address kept as a Wagtail redirect, which editors can change."""
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.get_or_create(
        old_path=Redirect.normalise_path(old_path), site=None,
        defaults={"redirect_page": page, "is_permanent": False},
    )


def _add_or_update_child(parent, model, fields):
    """Idempotent: the page with this slug under `parent` is created once, then kept."""
    existing = parent.get_children().filter(slug=fields["slug"]).specific().first()
    if existing is not None:
        return existing, False
    page = model(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def build(t):
    """Build the Italian home page, standard pages and contact details.

    Returns the home page, the standard pages by key, and what to translate (parents
    first: a translated child needs its translated parent).
    """
    italian = Locale.get_default()
    root = Page.get_first_root_node()

    home = HomePage.objects.filter(locale=italian).first()
    if home is None:
        home = HomePage(**_home_fields(t), locale=italian)
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        old_root = site.root_page if site.pk else None
        site.hostname, site.port, site.site_name = "localhost", 80, "Mutuo Aiuto Lavoro"
        site.root_page = home
        site.save()
        if old_root is not None and not isinstance(old_root.specific, HomePage):
            old_root.delete()  # Wagtail's "Welcome to your new Wagtail site!" page
    else:
        _home_fields(t)  # fill the table for the translation

    pages = {}
    for spec in _standard_pages(t):
        spec = dict(spec)
        key = spec.pop("key")
        pages[key], created = _add_or_update_child(home, StandardPage, spec)
        if not created:  # an older demo's text, unless an editor changed the page since
            legal_demo.refresh_demo_text(pages[key], spec)

    contact = ContactDetails.objects.filter(locale=italian).first()
    if contact is None:
        contact = ContactDetails.objects.create(locale=italian, **_contact_fields(t))
    else:
        _contact_fields(t)
    if contact.live_revision_id is None:
        # Live through a published revision, as Approvazione would leave it.
        contact.save_revision().publish()

    pages["contact"] = _contact_page(t, home)
    short_address("/contatti", pages["contact"])
    if home.contact_page_id is None:
        home.contact_page = pages["contact"]
        home.save_revision().publish()

    pages["report"] = _problem_report_page(t, home)
    pages["site_map"] = _site_map_page(t, home)

    links = FooterLinks.for_site(Site.objects.get(is_default_site=True))
    links.privacy_page = pages["privacy"]
    links.accessibility_page = pages["accessibility"]
    links.legal_notes_page = pages["legal"]
    links.faq_page = pages["faq"]
    links.report_page = pages["report"]
    links.site_map_page = pages["site_map"]
    links.save()
    # The contact page goes last, in the menu and in the translation order (which sets the
    # English menu's order): the programme's own pages come first.
    to_translate = [home, *(p for k, p in pages.items() if k != "contact"), contact]
    return home, pages, to_translate


def put_contact_last(home, pages, to_translate):
    pages["contact"].move(home, pos="last-child")
    to_translate.append(pages["contact"])


def translate_all(instances, t, language_code="en"):
    """Translate each instance through wagtail-localize, unless already translated: an
    existing translation is left alone, as an editor may have changed it since, except
    when the demo refreshed the source (legal_demo.refresh_demo_text) and nobody edited
    the translation either."""
    target = Locale.objects.get(language_code=language_code)
    for instance in instances:
        existing = instance.get_translation_or_none(target)
        refreshed = getattr(instance, "demo_text_refreshed", False)
        if existing is None or (refreshed and legal_demo.still_the_demos(existing)):
            translate(instance, language_code, t)
