"""Admin › "Risultati"/"Outcomes" (outcomes.dashboard): who may read it, what it shows in
both languages (tables with totals, accessible SVG charts, CSV files), bad filters
answered with a localized error, and a number of queries that does not grow with the
data (20,000 requests)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from facilitation.models import AttendanceRecord
from outcomes.permissions import VIEW_OUTCOMES
from programme.demo_scale import grow
from programme.models.participation import ParticipationRequest
from tests.admin_helpers import make_segreteria, speaks
from tests.test_admin_screens import menu_labels
from tests.test_outcomes_figures import seeded  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/outcomes/"
SEEDED_QUERY = "?start=2025-01&end=2025-03&venue={venue}"


def make_staff(django_user_model, username, *groups, permissions=()):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password="x" * 12,
        is_staff=True)
    for name in groups:
        user.groups.add(AuthGroup.objects.get(name=name))
    for codename in permissions:
        app_label, code = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label,
                                                         codename=code))
    return user


def city_group():
    """A City group made by staff on Wagtail's groups screen: admin access and the
    outcomes permission."""
    group = AuthGroup.objects.create(name="Comune di Milano")
    group.permissions.add(Permission.objects.get(codename="access_admin"),
                          Permission.objects.get(content_type__app_label="outcomes",
                                                 codename="view_outcomes"))
    return group


@pytest.fixture
def segreteria(django_user_model):
    user = make_segreteria(django_user_model)
    speaks(user, "it")
    return user


ROLES = {
    "segreteria": True, "superuser": True, "city": True, "editor": False,
    "approver": False, "city without the permission": False, "no admin access": False,
}


def user_for(role, django_user_model):
    if role == "segreteria":
        return make_segreteria(django_user_model)
    if role == "superuser":
        return django_user_model.objects.create_superuser(
            username="capo", email="capo@example.org", password="x" * 12)
    if role == "city":
        user = make_staff(django_user_model, "comune")
        user.groups.add(city_group())
        return user
    if role == "editor":
        return make_staff(django_user_model, "redattore", "Redazione")
    if role == "approver":
        return make_staff(django_user_model, "approvatore", "Approvazione")
    if role == "city without the permission":
        return make_staff(django_user_model, "comune2",
                          permissions=["wagtailadmin.access_admin"])
    return make_staff(django_user_model, "nessuno")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_who_may_read_the_outcomes(role, django_user_model):
    user = user_for(role, django_user_model)
    assert user.has_perm(VIEW_OUTCOMES) == (role in {"city", "superuser"})
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get(DASHBOARD)
    csv = client.get("/admin/outcomes/csv/")
    if ROLES[role]:
        assert response.status_code == 200 and csv.status_code == 200
        assert "Risultati" in menu_labels(client.get("/admin/"))
    else:
        assert response.status_code in {302, 403}
        assert csv.status_code in {302, 403}
        assert "text/csv" not in csv["Content-Type"]
        home = client.get("/admin/")
        assert home.status_code != 200 or "Risultati" not in menu_labels(home)


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(DASHBOARD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_permission_is_offered_on_the_groups_screen(django_user_model):
    admin = django_user_model.objects.create_superuser(
        username="capo", email="capo@example.org", password="x" * 12)
    client = Client()
    client.force_login(admin)
    permission = Permission.objects.get(content_type__app_label="outcomes",
                                        codename="view_outcomes")
    page = client.get("/admin/groups/new/").content.decode()
    assert f'value="{permission.pk}"' in page


@pytest.mark.parametrize("language, expected", [
    ("it", ["Richieste per mese e canale", "Giorni al primo contatto", "Tasso di presenza",
            "Totale", "gennaio 2025", "Scarica CSV", "Sede degli esiti"]),
    ("en", ["Requests by month and source", "Days to first contact", "Attendance rate",
            "Total", "January 2025", "Download CSV", "Sede degli esiti"]),
])
def test_the_dashboard_shows_every_figure_in_the_readers_language(
        seeded, segreteria, language, expected):  # noqa: F811
    speaks(segreteria, language)
    client = Client(raise_request_exception=False)
    client.force_login(segreteria)
    response = client.get(DASHBOARD + SEEDED_QUERY.format(venue=seeded["venue"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html, text
    assert html.count('<section class="w-mb-12 outcomes-figure"') == 9
    # The hand count: 7 requests in the period at the venue, by source, with totals.
    assert "<td><strong>7</strong></td>" in html
    assert "no-store" in response["Cache-Control"]


def test_each_chart_is_an_accessible_image_with_its_numbers_in_text(seeded, segreteria):  # noqa: F811
    client = Client()
    client.force_login(segreteria)
    html = client.get(DASHBOARD + SEEDED_QUERY.format(venue=seeded["venue"].pk)
                      ).content.decode()
    assert html.count('role="img"') == 9
    assert ('aria-labelledby="chart-fill-rate-title chart-fill-rate-desc"' in html)
    assert '<title id="chart-fill-rate-title">Tasso di riempimento</title>' in html
    # Each bar's value is written beside it, and read out by the description.
    assert ">20,0 %</text>" in html and "Aaa esiti due: 20,0 %" in html
    # The coordinates are SVG lengths: never the Italian decimal comma ("81,8" is no
    # length, and the browser drops the bar).
    import re

    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', html)
    svg_coordinates = [value for value in coordinates if value != "100%"]
    assert svg_coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", value)
                                   for value in svg_coordinates), svg_coordinates


@pytest.mark.parametrize("query, message", [
    ("?start=2025-13", "Indica un mese come anno e mese, per esempio 2026-01."),
    ("?start=gennaio", "Indica un mese come anno e mese, per esempio 2026-01."),
    ("?end=2025-٠١", "Indica un mese come anno e mese, per esempio 2026-01."),
    ("?start=2025-05&end=2025-01", "«Al mese» non può venire prima di «Dal mese»."),
    ("?start=2015-01&end=2025-01", "Scegli un periodo di al massimo 60 mesi."),
    ("?venue=999999", "Scegli un'opzione valida"),
    ("?group=abc", "Scegli un'opzione valida"),
    ("?group=١", "Scegli un'opzione valida"),
    # December 9999 has no next month: it was a 500 (review of issue 20).
    ("?start=9999-11&end=9999-12", "Indica un mese da 2000-01 a 2099-12."),
    ("?end=9999-12", "Indica un mese da 2000-01 a 2099-12."),
    ("?start=1999-12", "Indica un mese da 2000-01 a 2099-12."),
])
def test_bad_filters_get_a_localized_error_never_a_500(segreteria, query, message):
    client = Client(raise_request_exception=False)
    client.force_login(segreteria)
    for address in (DASHBOARD, "/admin/outcomes/csv/", "/admin/outcomes/csv/fill-rate/"):
        response = client.get(address + query)
        assert response.status_code == 400, address
        html = response.content.decode()
        assert escape(message) in html, address
        # Each field's message is the one its input names (aria-describedby).
        for described in re.findall(r'aria-describedby="([^"]+)"', html):
            for target in described.split():
                assert f'id="{target}"' in html, (address, target)


def test_one_figures_csv_in_italian(seeded, segreteria):  # noqa: F811
    client = Client()
    client.force_login(segreteria)
    query = SEEDED_QUERY.format(venue=seeded["venue"].pk)
    response = client.get("/admin/outcomes/csv/requests-by-month-and-source/" + query)
    assert response["Content-Disposition"] == (
        'attachment; filename="richieste-per-mese-e-canale-2025-01-2025-03.csv"')
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Mese;La persona stessa (modulo pubblico);")
    assert lines[0].endswith(";Totale")
    assert lines[1] == "gennaio 2025;1;1;0;0;0;0;2"
    assert lines[-1] == "Totale;2;3;1;1;0;0;7"
    days = client.get("/admin/outcomes/csv/days-to-first-contact/" + query)
    assert days.content.decode("utf-8-sig").splitlines()[1] == "gennaio 2025;1,5;2"


def test_one_figures_csv_in_english(seeded, segreteria):  # noqa: F811
    speaks(segreteria, "en")
    client = Client()
    client.force_login(segreteria)
    query = SEEDED_QUERY.format(venue=seeded["venue"].pk)
    response = client.get("/admin/outcomes/csv/days-to-first-contact/" + query)
    assert 'filename="days-to-first-contact-2025-01-2025-03.csv"' in (
        response["Content-Disposition"])
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Month,median,median: base"
    assert lines[1] == "January 2025,1.5,2"


def test_every_figure_in_one_csv(seeded, segreteria):  # noqa: F811
    client = Client()
    client.force_login(segreteria)
    response = client.get("/admin/outcomes/csv/" + SEEDED_QUERY.format(
        venue=seeded["venue"].pk))
    text = response.content.decode("utf-8-sig")
    assert 'filename="risultati-2025-01-2025-03.csv"' in response["Content-Disposition"]
    for title in ("Richieste per mese e canale", "Tasso di riempimento",
                  "Segnalazioni per organizzazione partner"):
        assert f"\r\n{title}\r\n" in text or text.startswith(title)


def test_an_unknown_figure_is_a_404(segreteria):
    client = Client(raise_request_exception=False)
    client.force_login(segreteria)
    assert client.get("/admin/outcomes/csv/nothing-here/").status_code == 404


def _dashboard_queries(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD + query)
        assert response.status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_queries_with_20000_requests(seeded, segreteria):  # noqa: F811
    """The seeded handful (every figure with rows), then 20,000 requests more with 5,000
    attendance records: the same number of queries, for all venues and for one."""
    client = Client()
    client.force_login(segreteria)
    period = "?start=2025-01&end=2026-11"
    one_venue = f"{period}&venue={seeded['venue'].pk}"
    client.get(DASHBOARD + period)  # warm the caches a first visit fills
    small, small_venue = _dashboard_queries(client, period), _dashboard_queries(client,
                                                                                one_venue)
    grow(requests=20_000, groups=60, venues=10, adherents=40, search_index=False)
    people = list(ParticipationRequest.objects.filter(group__isnull=False)
                  .values_list("pk", "group_id")[:5000])
    AttendanceRecord.objects.bulk_create([
        AttendanceRecord(request_id=pk, group_id=group, present=n % 3 != 0,
                         date=datetime.date(2026, 1 + n % 11, 1 + n % 28),
                         start=datetime.time(15))
        for n, (pk, group) in enumerate(people)], batch_size=500)
    assert ParticipationRequest.objects.count() >= 20_000
    client.get(DASHBOARD + period)  # the new rows renewed the data cache: warm it again
    assert _dashboard_queries(client, period) == small
    assert _dashboard_queries(client, one_venue) == small_venue


@pytest.mark.parametrize("language,expected", [
    ("it", ["0", "9", "999", "1.000", "12.345", "1.234.567", "-1.234"]),
    ("en", ["0", "9", "999", "1,000", "12,345", "1,234,567", "-1,234"]),
])
def test_counts_are_grouped_as_each_language_writes_them(language, expected):
    """presentation.format_value writes counts itself, for speed: the same text as
    Django's number_format with grouping, in both languages."""
    from django.utils.formats import number_format

    from outcomes.presentation import format_value
    from outcomes.tables import Kind

    values = [0, 9, 999, 1000, 12345, 1234567, -1234]
    with translation.override(language):
        shown = [format_value(value, Kind.COUNT) for value in values]
        assert shown == [number_format(value, 0, force_grouping=True) for value in values]
    assert shown == expected


def test_the_filters_name_venues_and_groups_in_the_readers_language(seeded, segreteria):  # noqa: F811
    """The English dashboard named the choices and the chosen group in Italian while its
    tables used the English names (review of issue 20)."""
    from wagtail.models import Locale

    english = Locale.objects.get(language_code="en")
    venue = seeded["venue"]
    translated = venue.copy_for_translation(english)
    translated.name = "Scheibler Villa (in English)"
    translated.save()
    speaks(segreteria, "en")
    client = Client()
    client.force_login(segreteria)
    html = client.get(DASHBOARD + f"?venue={venue.pk}").content.decode()
    select = re.search(r'<select name="venue".*?</select>', html, re.S).group(0)
    assert f'<option value="{venue.pk}" selected>Scheibler Villa (in English)</option>' \
        in select
    assert "Venue: Scheibler Villa (in English)." in html
