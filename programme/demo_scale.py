"""A database grown to a year or more of use, for benchmarks and tests of cost.

`grow(news=2000, groups=300, venues=50, requests=20000, adherents=200)` adds that many
rows to a site that already has the demo content (`manage.py load_demo_content`):
bulk inserts, a few hundred queries in all, so the large dataset of issue 16 is built in
well under a minute on SQLite. The rows are valid data the public pages and the admin
show as they show the editors' and the Segreteria's: published venues and groups with
weekly meetings, news under the news index (a share translated into English with the
same `translation_key`, as wagtail-localize makes them), participation requests with a
reference and a history that ends in their status, approved adhesions.

What it does not make, because nothing public reads it: page and snippet revisions,
wagtail-localize's translation sources, the reference index. Bulk inserts send no
signals, so the caches are cleared once at the end (`pagecache.invalidation.bump`).
Never for a live site: operators run it on a copy (`manage.py grow_demo_data`).
"""

import contextlib
import datetime
import uuid
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from stdnum import luhn
from wagtail.models import Locale, Page

from accounts.models import Organisation
from pagecache.invalidation import bump

from .models.adhesions import Adhesion
from .models.groups import Group, MeetingSlot
from .models.pages import NewsIndexPage, NewsPage
from .models.participation import ParticipationRequest, StatusChange
from .models.protocol_versions import ProtocolVersion
from .models.venues import Venue
from .participation import reference_for
from .seats import SEATED

# Issue 16's large dataset: 20,000 requests had about 53,000 status changes.
STATUS_CHANGES_PER_REQUEST = 2.65
BATCH = 500
MILAN = ZoneInfo("Europe/Rome")
Status = ParticipationRequest.Status

FIRST_NAMES = [
    "Marta", "Luca", "Giulia", "Ahmed", "Sara", "Paolo", "Elena", "Davide", "Fatima",
    "Marco", "Chiara", "Andrea", "Ioana", "Stefano", "Laura", "Omar", "Francesca", "Matteo",
    "Alessia", "Simone", "Valentina", "Giorgio", "Roberta", "Nicola", "Silvia", "Karim",
    "Federica", "Antonio", "Irina", "Riccardo", "Anna", "Giovanni", "Maria", "Lorenzo",
    "Beatrice", "Emanuele", "Noemi", "Hassan", "Claudia", "Vincenzo", "Ilaria", "Tommaso",
    "Elisa", "Fabio", "Lucia", "Mohamed", "Serena", "Pietro",
]
LAST_NAMES = [
    "Colombo", "Ferrari", "Esposito", "Bianchi", "Romano", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Fontana", "Moretti", "Rinaldi",
    "Lombardi", "Barbieri", "Giordano", "Mancini", "Rizzo", "Lombardo", "Caruso", "Ferri",
    "Villa", "Sala", "Galli", "Fumagalli", "Brambilla", "Cattaneo", "Longhi", "Pellegrini",
    "Vitale", "Martini", "Leone", "Santoro", "Marchetti", "Mariani", "Testa", "Grassi",
    "Monti", "Farina", "Benedetti", "Cattani", "Riva", "Bassi", "Zanetti", "Orlando",
    "Silvestri", "Parisi",
]
NEIGHBOURHOODS = [
    "Quarto Oggiaro", "Bovisa", "Niguarda", "Lorenteggio", "Corvetto", "Gratosoglio",
    "Baggio", "Giambellino", "Barona", "Greco", "Affori", "Comasina", "Bruzzano",
    "Gallaratese", "San Siro", "Isola", "Lambrate", "Ortica", "Rogoredo", "Chiaravalle",
    "Vigentino", "Stadera", "Calvairate", "Forlanini", "Crescenzago",
]
TOPICS = [
    ("Nuovo gruppo di auto mutuo aiuto", "New mutual self-help group"),
    ("Laboratorio sul curriculum", "CV workshop"),
    ("Incontro con i servizi per il lavoro", "Meeting with the job services"),
    ("Orari estivi delle sedi", "Summer opening hours of the venues"),
    ("Testimonianze dai gruppi", "Stories from the groups"),
    ("Corso di orientamento al lavoro", "Job orientation course"),
    ("Nuove adesioni al protocollo", "New organisations join the protocol"),
]
# The path of a request through the triage, by number of status changes; at one step
# the third change may end elsewhere than "assigned" (rotated, for variety).
CHAIN = [Status.NEW, Status.CONTACTED, Status.ASSIGNED, Status.ATTENDING, Status.COMPLETED]
THIRD_STEP = [Status.ASSIGNED, Status.WAITING_LIST, Status.WITHDRAWN, Status.NOT_ELIGIBLE,
              Status.ASSIGNED, Status.UNREACHABLE]
# 20 requests, 53 changes: 2.65 each, with every status represented.
LENGTH_CYCLE = [1, 3, 2, 3, 4, 3, 1, 3, 2, 3, 5, 3, 2, 3, 1, 3, 4, 2, 3, 2]


@contextlib.contextmanager
def _keeping_given_dates(*fields):
    """Bulk inserts keep the dates the seeder gives (a request received months ago)
    instead of `auto_now`/`auto_now_add` writing "now" on every row."""
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field, _now, _add in saved:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, now, add in saved:
            field.auto_now, field.auto_now_add = now, add


def _field(model, name):
    return model._meta.get_field(name)


def vat_number(n):
    """A valid Italian partita IVA (11 digits, Milan's office code 015, Luhn check
    digit), different for each `n` < 2,000,000, never one of the demo's."""
    body = f"{8_000_000 + n:07d}015"
    return body + luhn.calc_check_digit(body)


def _lengths(count, mean):
    """The number of status changes of each of `count` requests: LENGTH_CYCLE (mean
    2.65, every status represented), then lengthened or shortened by one step at evenly
    spread requests until the total is `count` × `mean` (1 to 5), rounded."""
    lengths = [LENGTH_CYCLE[n % len(LENGTH_CYCLE)] for n in range(count)]
    missing = round(count * mean) - sum(lengths)
    while missing:
        step = 1 if missing > 0 else -1
        can = [n for n, length in enumerate(lengths) if 1 <= length + step <= len(CHAIN)]
        take = min(abs(missing), len(can))
        for j in range(take):
            lengths[can[j * len(can) // take]] += step
        missing -= step * take
    return lengths


# --- Venues and groups -------------------------------------------------------------------

def _grow_venues(count, italian, now):
    start = Venue.objects.count()
    venues = [
        Venue(
            locale=italian, name=f"Spazio comunale {NEIGHBOURHOODS[n % 25]} {n + 1}",
            street_address=f"via del Lavoro {n + 1}", postal_code=f"201{n % 60:02d}",
            city="Milano", latitude=f"{45.42 + (n % 17) * 0.008:.6f}",
            longitude=f"{9.10 + (n % 19) * 0.008:.6f}",
            opening_hours=[{"type": "hours", "value": {
                "first_day": "0", "last_day": "4", "opens": "09:00", "closes": "18:00"}}],
            facilities=[{"type": "facility", "value": "Sala riunioni"}],
            accessibility_notes="Ingresso senza gradini.",
            public_transport="Fermata dell'autobus a 200 metri.",
            live=True, has_unpublished_changes=False, first_published_at=now,
            last_published_at=now,
        )
        for n in range(start, start + count)
    ]
    return Venue.objects.bulk_create(venues, batch_size=BATCH)


def _grow_groups(count, italian, now):
    venues = list(Venue.objects.filter(locale=italian, live=True).order_by("pk"))
    start = Group.objects.filter(locale=italian).count()
    groups = [
        Group(
            locale=italian, name=f"Gruppo {NEIGHBOURHOODS[n % 25]} {n + 1:03d}",
            description="Un gruppo di auto mutuo aiuto per chi cerca lavoro: ci si "
                        "incontra ogni settimana, ci si ascolta e si condividono contatti.",
            venue=venues[n % len(venues)], facilitators="Anna, Marco",
            language=Group.Language.ENGLISH if n % 10 == 9 else Group.Language.ITALIAN,
            capacity=12,
            status=Group.Status.PAUSED if n % 25 == 24 else Group.Status.AUTOMATIC,
            live=True, has_unpublished_changes=False, first_published_at=now,
            last_published_at=now,
        )
        for n in range(start, start + count)
    ]
    groups = Group.objects.bulk_create(groups, batch_size=BATCH)
    slots = []
    for n, group in enumerate(groups):
        hour = 9 + n % 8
        slots.append(MeetingSlot(group=group, sort_order=0, weekday=n % 5,
                                 start=datetime.time(hour), end=datetime.time(hour + 2)))
        if n % 3 == 0:
            slots.append(MeetingSlot(group=group, sort_order=1, weekday=(n + 2) % 5,
                                     start=datetime.time(15), end=datetime.time(16, 30)))
    MeetingSlot.objects.bulk_create(slots, batch_size=BATCH)
    return groups, len(slots)


# --- News --------------------------------------------------------------------------------

def _insert_news_rows(news_pages):
    """The NewsPage table's rows for pages whose Page rows exist: Django's bulk_create
    refuses multi-table models, so one executemany of the child table's own columns."""
    fields = list(NewsPage._meta.local_concrete_fields)
    table = connection.ops.quote_name(NewsPage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [
        [f.get_db_prep_save(getattr(page, f.attname), connection) for f in fields]
        for page in news_pages
    ]
    with connection.cursor() as cursor:
        for at in range(0, len(rows), BATCH):
            # Names from the model's metadata, quoted; values as parameters.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                               rows[at:at + BATCH])


def _add_children(parent, children):
    """Add `children` (unsaved NewsPage objects) under `parent`, live: their Page rows by
    bulk_create with treebeard's paths computed here, then their own rows, then the
    parent's `numchild`. As `parent.add_child` would leave them, without a query per page."""
    last = (Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            .order_by("-path").values_list("path", flat=True).first())
    step = Page._str2int(last[-Page.steplen:]) if last else 0
    content_type = ContentType.objects.get_for_model(NewsPage)
    base = []
    for n, child in enumerate(children, start=1):
        child.depth = parent.depth + 1
        child.path = Page._get_path(parent.path, child.depth, step + n)
        child.numchild = 0
        child.url_path = f"{parent.url_path}{child.slug}/"
        child.content_type = content_type
        child.draft_title = child.title
        base.append(Page(**{f.attname: getattr(child, f.attname)
                            for f in Page._meta.concrete_fields if f.attname != "id"}))
    Page.objects.bulk_create(base, batch_size=BATCH)
    for child, page in zip(children, base, strict=True):
        child.pk = child.page_ptr_id = page.pk
    _insert_news_rows(children)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(children))
    return children


def _free_slugs(parent, prefix, count):
    taken = set(Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .values_list("slug", flat=True))
    slugs, n = [], 0
    while len(slugs) < count:
        n += 1
        if f"{prefix}-{n}" not in taken:
            slugs.append(f"{prefix}-{n}")
    return slugs


def _grow_news(count, italian, english_share, now):
    index_it = NewsIndexPage.objects.filter(locale=italian).order_by("path").first()
    index_en = index_it.get_translation_or_none(Locale.objects.get(language_code="en"))
    first_day = timezone.localdate() - datetime.timedelta(days=count)
    body_it = ("<p>Il programma di auto mutuo aiuto per chi cerca lavoro continua: "
               "gruppi, incontri e orientamento al lavoro nelle sedi del Comune.</p>")
    body_en = ("<p>The mutual self-help programme for people looking for work goes on: "
               "groups, meetings and job orientation at the City's venues.</p>")
    italian_pages = []
    for n, slug in enumerate(_free_slugs(index_it, "notizia", count)):
        title_it, _title_en = TOPICS[n % len(TOPICS)]
        italian_pages.append(NewsPage(
            title=f"{title_it} ({n + 1})", slug=slug, locale=italian,
            translation_key=uuid.uuid4(), live=True, has_unpublished_changes=False,
            first_published_at=now, last_published_at=now,
            date=first_day + datetime.timedelta(days=n),
            summary="Le novità del programma di auto mutuo aiuto e del lavoro a Milano.",
            body=[{"type": "paragraph", "value": body_it}],
        ))
    _add_children(index_it, italian_pages)

    english_pages = []
    translated = [page for n, page in enumerate(italian_pages)
                  if index_en is not None and (n * english_share) % 1 + english_share >= 1]
    for page, slug in zip(translated, _free_slugs(index_en, "news", len(translated)) if
                          translated else [], strict=True):
        n = italian_pages.index(page)
        english_pages.append(NewsPage(
            title=f"{TOPICS[n % len(TOPICS)][1]} ({n + 1})", slug=slug,
            locale=index_en.locale, translation_key=page.translation_key, live=True,
            has_unpublished_changes=False, first_published_at=now, last_published_at=now,
            date=page.date,
            summary="News of the mutual self-help programme and of work in Milan.",
            body=[{"type": "paragraph", "value": body_en}],
        ))
    if english_pages:
        _add_children(index_en, english_pages)
    return italian_pages + english_pages, len(english_pages)


# --- Requests, history, partners ---------------------------------------------------------

def _grow_adherents(count, now):
    start = Organisation.objects.count()
    organisations = Organisation.objects.bulk_create([
        Organisation(
            name=f"Associazione {NEIGHBOURHOODS[n % 25]} Lavoro {n + 1}",
            kind=[Organisation.Kind.ASSOCIATION, Organisation.Kind.COOPERATIVE,
                  Organisation.Kind.EMPLOYMENT_AGENCY][n % 3],
            tax_code=vat_number(n), email=f"info{n + 1}@associazione.example.org",
            address=f"via della Solidarietà {n + 1}, Milano",
        )
        for n in range(start, start + count)
    ], batch_size=BATCH)
    version = (ProtocolVersion.objects.order_by("-date", "-pk")
               .values_list("number", flat=True).first()) or "1.0"
    Adhesion.objects.bulk_create([
        Adhesion(
            organisation=organisation, protocol_version=version, told_of_version=version,
            signatory_name=f"{FIRST_NAMES[n % 48]} {LAST_NAMES[n % 50]}",
            signatory_role="Presidente", declares_authority=True,
            status=Adhesion.Status.APPROVED,
            decided_at=now - datetime.timedelta(days=count - n),
        )
        for n, organisation in enumerate(organisations)
    ], batch_size=BATCH)
    return organisations


def _grow_requests(count, mean_changes, italian, now):
    groups = list(Group.objects.filter(locale=italian, live=True).order_by("pk")
                  .values_list("pk", "capacity"))
    venues = list(Venue.objects.filter(locale=italian, live=True).values_list("pk", flat=True))
    organisations = list(Organisation.objects.values_list("pk", flat=True)[:200])
    seats = dict(groups)
    seated_now = (ParticipationRequest.objects.filter(status__in=SEATED, group__isnull=False)
                  .values_list("group_id", flat=True))
    for group_id in seated_now:
        seats[group_id] = seats.get(group_id, 0) - 1
    start = ParticipationRequest.objects.count()
    lengths = _lengths(count, mean_changes)
    requests, paths = [], []
    free = [pk for pk, _capacity in groups]
    for i, length in enumerate(lengths):
        n = start + i
        path = CHAIN[:length]
        if length == 3:
            path = [*CHAIN[:2], THIRD_STEP[(i // 20) % len(THIRD_STEP)]]
        group_id = None
        if len(path) >= 3 and path[2] in (Status.ASSIGNED, Status.WAITING_LIST) and groups:
            group_id = groups[n % len(groups)][0]
            if path[-1] in SEATED:
                while free and seats.get(free[0], 0) <= 0:
                    free.pop(0)
                if free:
                    group_id = free[0]
                    seats[group_id] -= 1
                else:  # every seat taken: the person waits, as the Segreteria would do
                    path = [*CHAIN[:2], Status.WAITING_LIST]
        first, last = FIRST_NAMES[n % 48], LAST_NAMES[(n * 7 + n // 48) % 50]
        # Spread over two years, the newest last (most "new" ones among the latest).
        created = now - datetime.timedelta(minutes=(count - i) * 50 + 60 * length)
        referral = bool(organisations) and n % 10 == 3
        requests.append(ParticipationRequest(
            first_name=first, last_name=last,
            email=f"{first}.{last}.{n}@example.org".lower().replace(" ", ""),
            phone=f"+39025{n:07d}",
            preferred_channel=ParticipationRequest.Channel.EMAIL if n % 3 else
            ParticipationRequest.Channel.PHONE,
            employment_status=ParticipationRequest.EmploymentStatus.values[n % 4],
            situation_since=datetime.date(2024 + n % 2, 1 + n % 12, 1),
            preferred_venue_id=venues[n % len(venues)] if venues and n % 4 else None,
            prefers_mornings=n % 2 == 0, prefers_afternoons=n % 3 == 0,
            heard_from="" if referral else ParticipationRequest.HeardFrom.values[n % 7],
            privacy_notice_version="1", privacy_acknowledged_at=created,
            language="en" if n % 8 == 7 else "it",
            source=ParticipationRequest.Source.PARTNER_REFERRAL if referral else
            ParticipationRequest.Source.SELF,
            organisation_id=organisations[n % len(organisations)] if referral else None,
            status=path[-1], group_id=group_id,
            waiting_since=created + datetime.timedelta(days=2)
            if path[-1] == Status.WAITING_LIST else None,
            created_at=created, updated_at=created + datetime.timedelta(days=len(path) - 1),
        ))
        paths.append(path)
    with _keeping_given_dates(_field(ParticipationRequest, "created_at"),
                              _field(ParticipationRequest, "updated_at"),
                              _field(StatusChange, "changed_at")):
        requests = ParticipationRequest.objects.bulk_create(requests, batch_size=BATCH)
        for request_obj in requests:
            request_obj.reference = reference_for(request_obj)
        ParticipationRequest.objects.bulk_update(requests, ["reference"], batch_size=BATCH)
        changes = []
        for request_obj, path in zip(requests, paths, strict=True):
            previous = ""
            for day, status in enumerate(path):
                changes.append(StatusChange(
                    request=request_obj, from_status=previous, to_status=status,
                    group_id=request_obj.group_id if day >= 2 and request_obj.group_id
                    else None,
                    changed_at=request_obj.created_at + datetime.timedelta(days=day),
                ))
                previous = status
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    return requests, len(changes)


def grow(*, news=0, groups=0, venues=0, requests=0, adherents=0,
         status_changes_per_request=STATUS_CHANGES_PER_REQUEST, english_share=0.5,
         search_index=True):
    """Add rows to a site that has the demo content; return the counts added.

    `news` Italian news articles (`english_share` of them, 0 to 1, also in English),
    `venues` published venues, `groups` published groups (one or two weekly meetings
    each, at the new venues and the existing ones), `adherents` organisations with an
    approved adhesion to the protocol in force, `requests` participation requests with
    about `status_changes_per_request` status changes each (1 to 5, mean; every 10th a
    partner's referral when there are organisations). Seats are never over-filled: when
    every group is full the person is put on a waiting list. `search_index` adds the new
    pages, groups and venues to Wagtail's search index.

    Returns {"news": n, "news_en": n, "venues": n, "groups": n, "meeting_slots": n,
    "adherents": n, "requests": n, "status_changes": n}. One transaction; raises
    ValueError for negative numbers or a share outside 0..1.
    """
    if min(news, groups, venues, requests, adherents) < 0:
        raise ValueError("grow() adds rows: the numbers cannot be negative.")
    if not 0 <= english_share <= 1 or not 1 <= status_changes_per_request <= len(CHAIN):
        raise ValueError("english_share is 0..1, status_changes_per_request 1..5.")
    italian = Locale.get_default()
    now = timezone.now()
    counts = dict.fromkeys(["news", "news_en", "venues", "groups", "meeting_slots",
                            "adherents", "requests", "status_changes"], 0)
    with transaction.atomic():
        new_venues = _grow_venues(venues, italian, now) if venues else []
        new_groups, counts["meeting_slots"] = (_grow_groups(groups, italian, now) if groups
                                               else ([], 0))
        pages, counts["news_en"] = (_grow_news(news, italian, english_share, now) if news
                                    else ([], 0))
        counts["adherents"] = len(_grow_adherents(adherents, now)) if adherents else 0
        if requests:
            made, counts["status_changes"] = _grow_requests(
                requests, status_changes_per_request, italian, now)
            counts["requests"] = len(made)
        counts.update(news=news, venues=len(new_venues), groups=len(new_groups))
        if search_index:
            _index(pages, new_groups, new_venues)
        if connection.vendor == "postgresql":
            # Statistics for the rows just written: the planner would take the tables
            # for empty until autovacuum runs (never, inside a test's transaction).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    bump()
    return counts


def _index(pages, groups, venues):
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    for model, objects in ((NewsPage, pages), (Group, groups), (Venue, venues)):
        if objects:
            backend.add_bulk(model, objects)
