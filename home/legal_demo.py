"""Demo content of the three legal pages every municipal site links from its footer: the
accessibility statement (AgID's model "Dichiarazione di accessibilità"), the privacy
notice (every item of GDPR art. 13) and the legal notes (the content licence Designers
Italia's validator checks, and the cookie statement).

Each function takes the demo's `Strings` table `t` (home/demo.py) and returns the
page's fields; every Italian string is written with its English translation, from which
wagtail-localize makes the English page. Values the site is configured with (retention
periods, cookie names and durations, the site's address) are read from the settings
when the demo is built, so the texts say what this installation does.
"""

import re

from django.conf import settings

# pa-website-validator-ng, src/audits/license/legalNotes.ts: the section's heading and
# body the validator compares word for word (case and spacing aside).
LICENCE_HEADING = "Licenza dei contenuti"
LICENCE_TEXT = (
    "In applicazione del principio open by default ai sensi dell’articolo 52 del decreto "
    "legislativo 7 marzo 2005, n. 82 (CAD) e salvo dove diversamente specificato (compresi "
    "i contenuti incorporati di terzi), i dati, i documenti e le informazioni pubblicati sul "
    "sito sono rilasciati con licenza CC-BY 4.0. Gli utenti sono quindi liberi di condividere "
    "(riprodurre, distribuire, comunicare al pubblico, esporre in pubblico), rappresentare, "
    "eseguire e recitare questo materiale con qualsiasi mezzo e formato e modificare "
    "(trasformare il materiale e utilizzarlo per opere derivate) per qualsiasi fine, anche "
    "commerciale con il solo onere di attribuzione, senza apporre restrizioni aggiuntive."
)
LICENCE_TEXT_EN = (
    "In application of the open-by-default principle of article 52 of Legislative Decree "
    "no. 82 of 7 March 2005 (the Digital Administration Code, CAD), and unless stated "
    "otherwise (including third-party content embedded in it), the data, documents and "
    "information published on this site are released under the CC-BY 4.0 licence. Users "
    "are therefore free to share (reproduce, distribute, communicate to the public, display "
    "in public), present, perform and recite this material in any medium and format, and "
    "to adapt it (transform the material and use it in derivative works) for any purpose, "
    "even commercially, with the sole obligation of attribution, without adding further "
    "restrictions."
)

DIFENSORE_CIVICO_URL = (
    "https://www.agid.gov.it/it/design-servizi/accessibilita/difensore-civico-digitale"
)
GARANTE_URL = "https://www.garanteprivacy.it/"
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/deed.it"
CC_BY_URL_EN = "https://creativecommons.org/licenses/by/4.0/deed.en"
EMAIL = "infolavoro@example.org"  # the demo's ContactDetails email (home/demo.py)
# The date of the statement and of its last review: the demo's own (AgID asks for both).
STATEMENT_DATE = ("30 novembre 2026", "30 November 2026")

_HREF = re.compile(r'<a href="[^"]*">')


def _segment(html):
    """The form wagtail-localize gives a rich-text segment: each link's href replaced by
    an id (a1, a2... in order), the href kept apart as a non-translatable attribute."""
    counter = iter(range(1, 100))
    return _HREF.sub(lambda _match: f'<a id="a{next(counter)}">', html)


def _pair(t, italian, english):
    """Record a (possibly linked) text pair in both the stored and the segmented form."""
    t(_segment(italian), _segment(english))
    return t(italian, english)


def _link(url, text):
    return f'<a href="{url}">{text}</a>'


def heading(t, italian, english):
    return {"type": "heading", "value": t(italian, english)}


def paragraphs(t, *pairs):
    return {"type": "paragraph",
            "value": "".join(f"<p>{_pair(t, it, en)}</p>" for it, en in pairs)}


def bullets(t, *pairs, intro=None):
    html = f"<p>{_pair(t, *intro)}</p>" if intro else ""
    html += "<ul>" + "".join(f"<li>{_pair(t, it, en)}</li>" for it, en in pairs) + "</ul>"
    return {"type": "paragraph", "value": html}


def _site_address():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/"


# --- Accessibility statement -----------------------------------------------------------


def accessibility_statement(t):
    """AgID's model: administration and site, conformity status against WCAG 2.1 AA / EN
    301 549, what is not accessible and why, how the statement was prepared and when,
    the feedback mechanism, the escalation to the Difensore civico per il digitale."""
    site = _site_address()
    date_it, date_en = STATEMENT_DATE
    return {
        "introduction": t(
            "Il Comune di Milano si impegna a rendere accessibile il proprio sito web, "
            "conformemente alla legge 9 gennaio 2004, n. 4 e al decreto legislativo 10 agosto "
            "2018, n. 106, che ha recepito la direttiva (UE) 2016/2102.",
            "The City of Milan is committed to making its website accessible, in accordance "
            "with Law no. 4 of 9 January 2004 and Legislative Decree no. 106 of 10 August "
            "2018, which transposed Directive (EU) 2016/2102.",
        ),
        "body": [
            paragraphs(t, (
                f"Questa dichiarazione di accessibilità si applica al sito {site} "
                "«Mutuo Aiuto Lavoro» dell'amministrazione Comune di Milano (Direzione "
                "Politiche del Lavoro), realizzato con la Camera del Lavoro Metropolitana "
                "di Milano.",
                f"This accessibility statement applies to the website {site} “Mutual Aid "
                "for Work” of the administration Comune di Milano (City of Milan, labour "
                "policy department), built with the Camera del Lavoro "
                "Metropolitana di Milano.",
            )),
            heading(t, "Stato di conformità", "Compliance status"),
            paragraphs(t, (
                "Questo sito web è parzialmente conforme ai requisiti previsti "
                "dall'allegato A alla norma UNI CEI EN 301 549, che rimanda alle WCAG 2.1 "
                "di livello AA, a causa dei casi di non conformità elencati sotto.",
                "This website is partially compliant with the requirements of annex A to "
                "the standard UNI CEI EN 301 549, which refers to WCAG 2.1 level AA, because "
                "of the non-compliances listed below.",
            )),
            heading(t, "Contenuti non accessibili", "Non-accessible content"),
            bullets(
                t,
                (
                    "Alcuni PDF delle versioni precedenti del protocollo d'intesa sono "
                    "scansioni senza testo strutturato (inosservanza della legge 4/2004): "
                    "chi ne ha bisogno può chiederne una versione accessibile, che inviamo "
                    "entro 5 giorni lavorativi. Li sostituiremo entro il 30 giugno 2027.",
                    "Some PDFs of earlier versions of the protocol are scans without "
                    "structured text (non-compliance with Law 4/2004): anyone who needs one "
                    "may ask for an accessible version, which we send within 5 working days. "
                    "We will replace them by 30 June 2027.",
                ),
                (
                    "Alcune immagini delle notizie pubblicate prima di novembre 2026 hanno "
                    "un testo alternativo generico (inosservanza della legge 4/2004): le "
                    "stiamo rivedendo.",
                    "Some images of news published before November 2026 have a generic text "
                    "alternative (non-compliance with Law 4/2004): we are reviewing them.",
                ),
                (
                    "I file del calendario degli incontri (formato iCalendar) sono dati per "
                    "le applicazioni di calendario: gli stessi incontri sono elencati in "
                    "forma accessibile nella pagina dei gruppi.",
                    "The meeting calendar files (iCalendar format) are data for calendar "
                    "applications: the same meetings are listed accessibly on the groups "
                    "page.",
                ),
                intro=(
                    "I contenuti elencati di seguito non sono ancora accessibili, per i "
                    "motivi indicati:",
                    "The content listed below is not yet accessible, for the reasons given:",
                ),
            ),
            heading(t, "Redazione della dichiarazione", "Preparation of this statement"),
            paragraphs(t, (
                f"La dichiarazione è stata redatta il {date_it} sulla base di "
                "un'autovalutazione effettuata direttamente dal Comune di Milano: "
                "verifiche automatiche con axe-core su ogni tipo di pagina, in italiano e in "
                "inglese, prove con la sola tastiera e con un lettore di schermo. La "
                f"dichiarazione è stata riesaminata l'ultima volta il {date_it}.",
                f"This statement was prepared on {date_en} on the basis of a "
                "self-assessment carried out by the City of Milan itself: automated checks "
                "with axe-core on every page type, in Italian and English, and tests with "
                "the keyboard alone and with a screen reader. It was last reviewed on "
                f"{date_en}.",
            )),
            heading(t, "Meccanismo di feedback e recapiti",
                    "Feedback and contact information"),
            paragraphs(t, (
                "Per segnalare un contenuto che non riesci a usare, o per chiedere "
                "informazioni e contenuti esclusi da questa dichiarazione, usa il modulo "
                "«Segnala disservizio» o il modulo di contatto, collegati in fondo a ogni "
                f"pagina, oppure scrivi a {EMAIL}. Ti rispondiamo entro 30 giorni.",
                "To report content you cannot use, or to ask for information and content "
                "excluded from this statement, use the “Report a problem” form or the "
                "contact form, linked at the bottom of every page, or write to "
                f"{EMAIL}. We answer within 30 days.",
            )),
            heading(t, "Procedura di attuazione", "Enforcement procedure"),
            paragraphs(t, (
                "Se la risposta non ti soddisfa o non arriva entro 30 giorni, puoi "
                "inviare una segnalazione al "
                + _link(DIFENSORE_CIVICO_URL, "Difensore civico per il digitale")
                + " istituito presso l'Agenzia per l'Italia Digitale (AgID), ai sensi "
                "dell'articolo 3-quinquies, comma 3, della legge 4/2004.",
                "If the answer does not satisfy you or does not arrive within 30 days, you "
                "may report it to the "
                + _link(DIFENSORE_CIVICO_URL, "Digital Ombudsman (Difensore civico per il "
                        "digitale)")
                + " of the Agency for Digital Italy (AgID), under article 3-quinquies, "
                "paragraph 3, of Law 4/2004.",
            )),
            heading(t, "Informazioni sul sito", "About the website"),
            paragraphs(t, (
                "Il sito è realizzato con il sistema di gestione dei contenuti Wagtail e "
                "con Bootstrap Italia, la libreria del modello di Designers Italia; non usa "
                "servizi di terze parti.",
                "The site is built with the Wagtail content management system and with "
                "Bootstrap Italia, the Designers Italia model's library; it uses no "
                "third-party services.",
            )),
        ],
    }


# --- Privacy notice --------------------------------------------------------------------


def privacy_notice(t, retention_periods):
    """Every item of GDPR art. 13: controller, the Camera del Lavoro's role, DPO,
    purposes and legal bases per form, recipients, no transfer outside the EU, retention
    (`retention_periods`: the (Italian, English) paragraph built from the RETENTION_*
    settings), rights of arts. 15-22 and how to exercise them, complaint to the Garante,
    whether providing the data is mandatory."""
    return {
        "introduction": t(
            "Come trattiamo i dati personali di chi usa questo sito, ci contatta o chiede di "
            "partecipare ai gruppi (art. 13 del Regolamento UE 2016/679, GDPR).",
            "How we process the personal data of people who use this site, contact us or "
            "ask to join a group (art. 13 of EU Regulation 2016/679, GDPR).",
        ),
        "body": [
            heading(t, "Titolare del trattamento", "Data controller"),
            paragraphs(t, (
                "Titolare del trattamento è il Comune di Milano, piazza della Scala 2, "
                "20121 Milano, PEC protocollo@pec.comune.milano.example, che lo esercita "
                "tramite la Direzione Politiche del Lavoro.",
                "The data controller is the City of Milan (Comune di Milano), piazza della "
                "Scala 2, 20121 Milan, certified email (PEC) "
                "protocollo@pec.comune.milano.example, acting through its labour policy "
                "department.",
            ), (
                "La Camera del Lavoro Metropolitana di Milano, che facilita i gruppi in base "
                "al protocollo d'intesa con il Comune, tratta i dati dei partecipanti per "
                "conto del Comune come responsabile del trattamento (art. 28 GDPR), solo "
                "per organizzare gli incontri e secondo le istruzioni del Comune. Non è "
                "contitolare: non decide finalità e mezzi del trattamento.",
                "The Camera del Lavoro Metropolitana di Milano, which facilitates the groups "
                "under the protocol signed with the City, processes participants' data on "
                "the City's behalf as a data processor (art. 28 GDPR), only to organise "
                "the meetings and following the City's instructions. It is not a joint "
                "controller: it does not decide the purposes and means of the processing.",
            )),
            heading(t, "Responsabile della protezione dei dati",
                    "Data protection officer"),
            paragraphs(t, (
                "Puoi contattare il Responsabile della protezione dei dati (RPD) del Comune "
                "di Milano scrivendo a dpo@comune.milano.example.",
                "You can contact the City of Milan's data protection officer (DPO) by "
                "writing to dpo@comune.milano.example.",
            )),
            heading(t, "Finalità e basi giuridiche, modulo per modulo",
                    "Purposes and legal bases, form by form"),
            bullets(
                t,
                (
                    "<b>Richiesta di partecipazione</b> (anche ricevuta per telefono o allo "
                    "sportello): nome, recapiti, situazione lavorativa, lingua e "
                    "disponibilità servono a valutare la richiesta, assegnarti a un gruppo e "
                    "ricontattarti. Base giuridica: esecuzione di un compito di interesse "
                    "pubblico, le politiche attive del lavoro del Comune (art. 6, par. 1, "
                    "lett. e GDPR; art. 2-ter d.lgs. 196/2003).",
                    "<b>Participation request</b> (also when received by phone or at the "
                    "desk): your name, contact details, work situation, language and "
                    "availability are used to assess the request, assign you to a group and "
                    "contact you. Legal basis: a task carried out in the public interest, "
                    "the City's active labour policies (art. 6(1)(e) GDPR; art. 2-ter of "
                    "Legislative Decree 196/2003).",
                ),
                (
                    "<b>Segnalazione da un ente partner</b>: l'ente che ti indica al "
                    "programma inserisce gli stessi dati della richiesta di partecipazione, "
                    "dopo averti informato; l'ente vede solo lo stato della segnalazione. "
                    "Base giuridica: compito di interesse pubblico (art. 6, par. 1, lett. e).",
                    "<b>Referral by a partner organisation</b>: the organisation that refers "
                    "you enters the same data as a participation request, after informing "
                    "you; it sees only the referral's status. Legal basis: a task in the "
                    "public interest (art. 6(1)(e)).",
                ),
                (
                    "<b>Modulo di contatto</b>: nome, email, telefono (facoltativo) e "
                    "messaggio servono a risponderti. Base giuridica: compito di interesse "
                    "pubblico (art. 6, par. 1, lett. e).",
                    "<b>Contact form</b>: your name, email, phone (optional) and message are "
                    "used to answer you. Legal basis: a task in the public interest "
                    "(art. 6(1)(e)).",
                ),
                (
                    "<b>Segnala disservizio</b>: categoria, descrizione e, se vuoi, un "
                    "recapito servono a correggere il problema e, se lo chiedi, a "
                    "risponderti. Base giuridica: compito di interesse pubblico (art. 6, "
                    "par. 1, lett. e).",
                    "<b>Report a problem</b> (“Segnala disservizio”): the category, the "
                    "description and, if you wish, a way to reach you are used to fix the "
                    "problem and, if you ask, to answer you. Legal basis: a task in the "
                    "public interest (art. 6(1)(e)).",
                ),
                (
                    "<b>Valutazione della pagina</b> («Quanto sono chiare le informazioni "
                    "su questa pagina?»): è anonima. Registriamo solo la pagina, la lingua, "
                    "le stelle, la risposta scelta, il commento e la data, senza cookie né "
                    "indirizzo IP, per migliorare le pagine: non scrivere dati personali nel "
                    "commento. Base giuridica: compito di interesse pubblico (art. 6, par. 1, "
                    "lett. e).",
                    "<b>Page rating</b> (“How clear is the information on this page?”): it "
                    "is anonymous. We record only the page, the language, the stars, the "
                    "answer chosen, the comment and the date, with no cookie or IP address, "
                    "to improve the pages: please do not write personal data in the comment. "
                    "Legal basis: a task in the public interest (art. 6(1)(e)).",
                ),
                (
                    "<b>Account degli enti partner</b>: email, nome, ruolo e organizzazione "
                    "di chi si registra, la firma dell'adesione al protocollo e i dati degli "
                    "accessi (indirizzo IP, browser) servono a gestire l'adesione, le "
                    "segnalazioni e la sicurezza dell'area riservata. Base giuridica: compito "
                    "di interesse pubblico (art. 6, par. 1, lett. e) e obbligo di sicurezza "
                    "(art. 32 GDPR).",
                    "<b>Partner accounts</b>: the email, name, role and organisation of the "
                    "person who signs up, the signature of the adhesion to the protocol and "
                    "sign-in records (IP address, browser) are used to manage the adhesion, "
                    "the referrals and the security of the partner area. Legal basis: a task "
                    "in the public interest (art. 6(1)(e)) and the security obligation "
                    "(art. 32 GDPR).",
                ),
                (
                    "<b>Richieste sui dati personali</b> («I tuoi dati: una richiesta»): i "
                    "dati che scrivi servono a risponderti. Base giuridica: obbligo di legge "
                    "(art. 6, par. 1, lett. c, e artt. 12-22 GDPR).",
                    "<b>Data protection requests</b> (“Your data: a request”): what you "
                    "write is used to answer you. Legal basis: a legal obligation "
                    "(art. 6(1)(c) and arts. 12-22 GDPR).",
                ),
                (
                    "<b>Prenotazione appuntamento</b> (colloquio di orientamento o "
                    "postazione informatica a Villa Scheibler): nome, email e/o telefono, "
                    "il motivo scelto e i dettagli facoltativi servono a riservarti il "
                    "posto, mandarti la conferma e il promemoria e, se serve, avvisarti di "
                    "un cambiamento. Base giuridica: compito di interesse pubblico (art. 6, "
                    "par. 1, lett. e).",
                    "<b>Booking an appointment</b> (an orientation interview or a computer "
                    "workstation at Villa Scheibler): your name, email and/or phone, the "
                    "reason you choose and the optional details are used to hold your "
                    "place, send you the confirmation and the reminder and, if needed, tell "
                    "you of a change. Legal basis: a task in the public interest "
                    "(art. 6(1)(e)).",
                ),
                intro=(
                    "Chiediamo solo i dati necessari e nessuna informazione sulla salute. "
                    "Per ogni modulo del sito:",
                    "We ask only for the data we need and for no health information. For "
                    "each form of the site:",
                ),
            ),
            heading(t, "Destinatari dei dati", "Recipients of the data"),
            paragraphs(t, (
                "I dati sono visibili solo al personale incaricato del Comune (Servizio "
                "supporti attivi per il lavoro), alle facilitatrici e ai facilitatori della "
                "Camera del Lavoro per il proprio gruppo (il foglio presenze riporta solo i "
                "nomi) e, per le persone segnalate da un ente partner, a quell'ente. I "
                "fornitori che gestiscono il server e la posta elettronica li trattano come "
                "responsabili del trattamento. I dati non sono diffusi né ceduti ad altri.",
                "Only the City's staff in charge (the active job-support service) can see "
                "the data, as can the Camera del Lavoro's facilitators for their own group "
                "(the attendance sheet shows names only) and, for people referred by a "
                "partner organisation, that organisation. The providers that run the "
                "server and the email service process them as data processors. The data "
                "are never published or passed on to others.",
            )),
            heading(t, "Trasferimento fuori dall'Unione europea",
                    "Transfer outside the European Union"),
            paragraphs(t, (
                "I dati sono conservati su server nell'Unione europea e non sono trasferiti "
                "in paesi fuori dall'Unione europea o dallo Spazio economico europeo.",
                "The data are stored on servers in the European Union and are not "
                "transferred to countries outside the European Union or the European "
                "Economic Area.",
            )),
            heading(t, "Per quanto tempo conserviamo i dati", "How long we keep the data"),
            paragraphs(t, retention_periods, (
                "Delle valutazioni delle pagine, dopo la cancellazione del commento, "
                "restano solo le stelle e la risposta scelta, anonime, per le statistiche; "
                "gli account degli enti partner restano "
                "finché l'ente aderisce al protocollo o finché chiedi di chiuderli.",
                "Of page ratings, once the comment is deleted, only the stars and the "
                "answer chosen remain, anonymous, for statistics; partner accounts are "
                "kept as long "
                "as the organisation adheres to the protocol or until you ask us to close "
                "them.",
            )),
            heading(t, "I tuoi diritti", "Your rights"),
            paragraphs(t, (
                "Hai diritto di chiedere l'accesso ai tuoi dati, la rettifica, la "
                "cancellazione, la limitazione del trattamento, la portabilità e di opporti "
                "al trattamento (artt. 15-22 GDPR). Non prendiamo decisioni automatizzate "
                "né facciamo profilazione.",
                "You have the right to ask for access to your data, rectification, erasure, "
                "restriction of processing and portability, and to object to the "
                "processing (arts. 15-22 GDPR). We take no automated decisions and do no "
                "profiling.",
            ), (
                "Per esercitarli usa il modulo «I tuoi dati: una richiesta», in fondo a "
                f"ogni pagina, oppure scrivi a {EMAIL} o al Responsabile della protezione "
                "dei dati: ti rispondiamo entro un mese.",
                "To exercise them use the form “Your data: a request”, at the bottom of "
                f"every page, or write to {EMAIL} or to the data protection officer: we "
                "answer within one month.",
            )),
            heading(t, "Reclamo al Garante", "Complaint to the supervisory authority"),
            paragraphs(t, (
                "Se ritieni che il trattamento violi il GDPR puoi proporre reclamo al "
                "Garante per la protezione dei dati personali (art. 77 GDPR): "
                + _link(GARANTE_URL, "www.garanteprivacy.it") + ".",
                "If you believe the processing breaches the GDPR you may lodge a complaint "
                "with the Italian data protection authority, the Garante per la protezione "
                "dei dati personali (art. 77 GDPR): "
                + _link(GARANTE_URL, "www.garanteprivacy.it") + ".",
            )),
            heading(t, "Conferire i dati è obbligatorio?", "Must you give us the data?"),
            paragraphs(t, (
                "I dati segnati come obbligatori nei moduli sono necessari per rispondere "
                "o per partecipare ai gruppi: senza, non possiamo dare seguito alla "
                "richiesta. I dati facoltativi, come il telefono nel modulo di contatto, "
                "puoi non darli.",
                "The data marked as required in the forms are needed to answer you or to "
                "let you join a group: without them we cannot follow up the request. You "
                "may leave out the optional data, such as the phone number in the contact "
                "form.",
            )),
        ],
    }


# --- Legal notes and cookies -----------------------------------------------------------


def _duration(seconds, italian):
    """«2 settimane»/"2 weeks" when whole weeks, else days; None: until the browser closes."""
    if seconds is None:
        return ("fino alla chiusura del browser" if italian
                else "until the browser is closed")
    days = seconds // 86400
    if days % 7 == 0:
        weeks = days // 7
        if italian:
            return "1 settimana" if weeks == 1 else f"{weeks} settimane"
        return "1 week" if weeks == 1 else f"{weeks} weeks"
    if italian:
        return "1 giorno" if days == 1 else f"{days} giorni"
    return "1 day" if days == 1 else f"{days} days"


def site_cookies():
    """The cookies the site sets, all technical: [(name, (purpose it, en), (duration it,
    en))], names and durations from the settings of this installation. The language is
    in the address (/it/, /en/), so Django's language cookie is never set; messages use
    Django's default storage, a cookie read and deleted on the next page."""
    from django.contrib.messages.storage.cookie import CookieStorage

    return [
        (
            settings.SESSION_COOKIE_NAME,
            ("tiene aperta la sessione di chi entra nell'area riservata degli enti "
             "partner o nell'amministrazione del sito",
             "keeps signed in the people who enter the partner area or the site's "
             "administration"),
            (_session_duration(True), _session_duration(False)),
        ),
        (
            settings.CSRF_COOKIE_NAME,
            ("protegge l'invio dei moduli da richieste contraffatte da altri siti",
             "protects the forms you send from requests forged by other sites"),
            (_duration(settings.CSRF_COOKIE_AGE, True),
             _duration(settings.CSRF_COOKIE_AGE, False)),
        ),
        (
            CookieStorage.cookie_name,
            ("porta alla pagina successiva un messaggio di conferma (per esempio «Modifiche "
             "salvate») e poi viene cancellato",
             "carries a confirmation message (such as “Changes saved”) to the next page, "
             "then is deleted"),
            (_duration(None, True), _duration(None, False)),
        ),
        (
            # Set by Wagtail's admin script (sidebar.js), without an expiry date.
            "wagtail_sidebar_collapsed",
            ("ricorda a chi lavora nell'amministrazione del sito se ha chiuso il menu "
             "laterale",
             "remembers, for the people working in the site's administration, whether "
             "they closed the side menu"),
            (_duration(None, True), _duration(None, False)),
        ),
    ]


def _session_duration(italian):
    """How long the session cookie lasts, as the settings make it: allauth's sign-in
    form sets it to end with the browser unless "Ricordami"/"Remember me" is ticked
    (ACCOUNT_SESSION_REMEMBER None), then SESSION_COOKIE_AGE."""
    remember = getattr(settings, "ACCOUNT_SESSION_REMEMBER", None)
    until_closed = _duration(None, italian)
    if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE or remember is False:
        return until_closed
    age = _duration(settings.SESSION_COOKIE_AGE, italian)
    if remember:
        return age
    if italian:
        return f"{until_closed}, se accedi senza scegliere «Ricordami»; altrimenti {age}"
    return f"{until_closed}, if you sign in without ticking “Remember me”; otherwise {age}"


def legal_notes(t):
    """The owner of the site, the content licence block the validator reads (CC BY 4.0,
    LICENCE_HEADING/LICENCE_TEXT), trademarks, external links and the cookie statement
    (`site_cookies`: technical only, no analytics, no third party)."""
    # The English page links the licence's English text (home.localize.translate).
    t(CC_BY_URL, CC_BY_URL_EN)
    cookie_items = [
        (f"<b>{name}</b>: {purpose_it}; durata: {duration_it}.",
         f"<b>{name}</b>: {purpose_en}; lasts: {duration_en}.")
        for name, (purpose_it, purpose_en), (duration_it, duration_en) in site_cookies()
    ]
    return {
        "introduction": t(
            "Chi pubblica questo sito, a quali condizioni puoi riutilizzarne i contenuti e "
            "quali cookie usa.",
            "Who publishes this site, on what terms you may reuse its content, and which "
            "cookies it uses.",
        ),
        "body": [
            heading(t, "Titolarità del sito", "Owner of the site"),
            paragraphs(t, (
                "Questo sito è pubblicato dal Comune di Milano, Direzione Politiche del "
                "Lavoro, con la Camera del Lavoro Metropolitana di Milano, per il programma "
                "di auto mutuo aiuto per chi cerca lavoro.",
                "This site is published by the City of Milan's labour policy "
                "department, with the Camera del Lavoro Metropolitana di Milano, for the "
                "self-help programme for people looking for work.",
            )),
            {"type": "content_licence", "value": {
                "heading": t(LICENCE_HEADING, "Content licence"),
                "text": t(LICENCE_TEXT, LICENCE_TEXT_EN),
            }},
            paragraphs(t, (
                "Il testo della licenza è su "
                + _link(CC_BY_URL, "creativecommons.org") + ". Per attribuire un "
                "contenuto cita «Comune di Milano – Mutuo Aiuto Lavoro» e l'indirizzo della "
                "pagina.",
                "The licence's text is on "
                + _link(CC_BY_URL_EN, "creativecommons.org") + ". To attribute content, "
                "cite “Comune di Milano – Mutuo Aiuto Lavoro” and the page's address.",
            )),
            heading(t, "Marchi e loghi", "Trademarks and logos"),
            paragraphs(t, (
                "Lo stemma del Comune di Milano, il logo della Camera del Lavoro e il logo "
                "del programma non rientrano nella licenza: non possono essere usati senza "
                "autorizzazione.",
                "The City of Milan's coat of arms, the Camera del Lavoro's logo and the "
                "programme's logo are not covered by the licence: they may not be used "
                "without permission.",
            )),
            heading(t, "Link ad altri siti", "Links to other sites"),
            paragraphs(t, (
                "I link ad altri siti sono offerti per comodità: non siamo responsabili dei "
                "loro contenuti.",
                "Links to other sites are offered for convenience: we are not responsible "
                "for their content.",
            )),
            heading(t, "Cookie", "Cookies"),
            bullets(
                t,
                *cookie_items,
                intro=(
                    "Questo sito usa solo cookie tecnici, necessari al suo funzionamento: "
                    "nessun cookie di profilazione o di statistica, nessun cookie di terze "
                    "parti. Per questo non ti chiediamo il consenso (Linee guida cookie del "
                    "Garante, 10 giugno 2021). Sono:",
                    "This site uses technical cookies only, needed for it to work: no "
                    "profiling or analytics cookies and no third-party cookies. That is why "
                    "we do not ask for your consent (the Garante's cookie guidelines of 10 "
                    "June 2021). They are:",
                ),
            ),
            paragraphs(t, (
                "La valutazione delle pagine e i moduli per i cittadini non lasciano cookie "
                "di alcun altro tipo. Puoi cancellare i cookie dalle impostazioni del "
                "browser; senza quelli tecnici non potrai accedere all'area riservata.",
                "The page rating and the citizens' forms leave no cookie of any other kind. "
                "You can delete cookies in your browser's settings; without the technical "
                "ones you will not be able to sign in to the partner area.",
            ), (
                "L'amministrazione del sito, usata solo dal personale, salva inoltre nella "
                "memoria locale del browser (local storage) alcune preferenze "
                "dell'interfaccia, come i pannelli aperti o chiusi: sono dati tecnici, "
                "restano sul dispositivo e non ci vengono inviati.",
                "The site's administration, used by staff only, also saves a few interface "
                "preferences, such as which panels are open or closed, in the browser's "
                "local storage: they are technical, stay on the device and are not sent "
                "to us.",
            )),
        ],
    }


# --- Keeping an existing site's demo pages up to date -----------------------------------


def _plain(value):
    """A StreamField's stored data without block ids, list items as their values."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        if set(value) <= {"type", "value", "id"} and value.get("type") == "item":
            return _plain(value["value"])
        return {key: _plain(item) for key, item in value.items() if key != "id"}
    return value


def still_the_demos(page):
    """True while nobody has edited the page: every revision was saved by the demo
    (which saves without a user), so new demo texts may replace the old ones."""
    return not page.revisions.exclude(user__isnull=True).exists()


def refresh_demo_text(page, spec):
    """Give a page the demo's current introduction and body when it is still the demo's
    and they differ (an older demo's stub); a page an editor touched is left alone.

    Returns True when the page was updated (a new revision, published); the page is then
    marked `demo_text_refreshed`, so `home.demo.translate_all` translates it again too.
    """
    fields = {name: spec[name] for name in ("introduction", "body") if name in spec}
    current = {"introduction": page.introduction, "body": _plain(page.body.get_prep_value())}
    wanted = {"introduction": fields.get("introduction", page.introduction),
              "body": _plain(fields.get("body", current["body"]))}
    if current == wanted or not still_the_demos(page):
        return False
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    page.demo_text_refreshed = True
    return True
