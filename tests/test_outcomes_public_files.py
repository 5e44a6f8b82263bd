"""The public page "Il programma in numeri" beyond its tables (issue 20, part C2b): the
charts and the CSV files carry nothing of a hidden count, the CSV follows the house's
spreadsheet rules in each language, the page and its files are served from the page
cache, the dashboard's permission belongs to OutcomesPage, and every footer links the
page."""

import csv
import importlib
import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from outcomes import public
from outcomes.suppression import PRIMARY, SECONDARY, SHOWN
from outcomes.tables import Kind
from tests.test_outcomes_public import URL, _seed
from tests.test_outcomes_suppression import assert_not_derivable

pytestmark = pytest.mark.django_db

HIDDEN_TEXT = {"it": {"< 10", "*", "casi insufficienti"}, "en": {"< 10", "*", "too few cases"}}
WAITING_CSV = {"it": "/it/il-programma-in-numeri/liste-di-attesa.csv",
               "en": "/en/the-programme-in-numbers/waiting-list.csv"}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        # One seeded dataset for the module, rolled back at its end.
        atomic = transaction.atomic()
        atomic.__enter__()
        _seed()
        cache.clear()
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        cache.clear()


class _Charts(HTMLParser):
    """Each outcomes chart by its slug: {"bars": [[label, has_rect, value text]], "text"}."""

    def __init__(self):
        super().__init__()
        self.charts, self._chart, self._bar, self._texts = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "outcomes-chart" in (attrs.get("class") or ""):
            slug = attrs["aria-labelledby"].split()[0][len("chart-"):-len("-title")]
            self._chart = self.charts[slug] = {"bars": [], "text": "", "attrs": [attrs]}
        elif self._chart is None:
            return
        else:
            self._chart["attrs"].append(attrs)
            if tag == "g":
                self._bar = ["", False, ""]
                self._texts = []
                self._chart["bars"].append(self._bar)
            elif tag == "rect" and self._bar is not None:
                self._bar[1] = True
            elif tag == "text" and self._bar is not None:
                self._texts.append("")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._chart = None
        elif tag == "g" and self._bar is not None:
            self._bar[0], self._bar[2] = self._texts[0].strip(), self._texts[1].strip()
            self._bar = None

    def handle_data(self, data):
        if self._chart is None:
            return
        self._chart["text"] += data
        if self._bar is not None and self._texts:
            self._texts[-1] += data


def page_charts(html):
    parser = _Charts()
    parser.feed(html)
    return parser.charts


def _hidden_values(language):
    """Every true value the page hides, per figure slug (from the unsuppressed tables)."""
    from django.utils import translation

    from outcomes import suppression
    from outcomes.figures import OutcomeFilters, all_figures

    filters = OutcomeFilters.last_months(timezone.localdate(), months=public.PUBLIC_MONTHS)
    hidden = {}
    with translation.override(language):
        for table in all_figures(filters):
            result = suppression.suppress(table)
            values = set()
            for i, row in enumerate(result.cells):
                for j, cell in enumerate(row):
                    if not cell.shown and table.cells[i][j] is not None:
                        values.add(table.cells[i][j])
            for i, cell in enumerate(result.row_totals):
                if not cell.shown:
                    values.add(table.row_totals()[i])
            hidden[table.slug] = values
    return hidden


def _marks_legend(language):
    """The description's sentence explaining "< 10" and "*" (it names the threshold)."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(language):
        return gettext("“< 10”: fewer than 10; “*”: not shown, so that counts under 10 "
                       "cannot be worked out; “too few cases”: a rate or median from "
                       "fewer than 10.")


@pytest.mark.parametrize("language", ["it", "en"])
def test_charts_draw_no_hidden_value(seeded, language):
    html = Client().get(URL[language]).content.decode()
    charts = page_charts(html)
    figures = public.public_figures(language).figures
    drawn = [f for f in figures if f.chart is not None]
    assert len(charts) == len(drawn) >= 6
    # Every count figure with a total shown is drawn; one whose totals are all hidden
    # is not (a chart of "*" and "< 10" says nothing its table does not).
    assert {f.slug for f in figures if f.kind == Kind.COUNT and any(
        row.total.status == SHOWN for row in f.rows)} <= set(charts)
    hidden_bars = 0
    hidden = _hidden_values(language)
    for figure in drawn:
        chart = charts[figure.slug]
        cells = ([row.total for row in figure.rows] if figure.kind == Kind.COUNT
                 else [row.cells[0] for row in figure.rows])
        assert len(chart["bars"]) == min(len(cells), 25)
        for (label, has_rect, text), cell in zip(chart["bars"], cells, strict=False):
            if cell.status in (PRIMARY, SECONDARY):
                hidden_bars += 1
                assert not has_rect, (figure.slug, label)
                assert text in HIDDEN_TEXT[language], (figure.slug, label, text)
            elif cell.status == SHOWN and cell.value:
                assert has_rect
        # No number of the chart (its bars, title, description, attributes) is a value
        # hidden by the table unless the table shows the same number elsewhere.
        shown = {c.value for row in figure.rows for c in (*row.cells, row.total)
                 if c is not None and c.status == SHOWN}
        shown |= {c.value for c in (*figure.column_totals, figure.grand_total)
                  if c is not None and c.status == SHOWN}
        texts = chart["text"] + " ".join(" ".join(str(v) for v in a.values())
                                         for a in chart["attrs"])
        numbers = chart["text"].replace(_marks_legend(language), "").replace("< 10", "")
        for row in figure.rows:
            numbers = numbers.replace(row.label, "")
        for value in hidden[figure.slug] - shown:
            if figure.kind == Kind.COUNT and value >= 10:
                assert not re.search(rf"(?<![\d.,]){value}(?![\d])", numbers), \
                    (figure.slug, value)
        assert "data-value" not in texts
        for attrs in chart["attrs"][1:]:  # SVG lengths: no decimal comma, even in Italian
            for name in ("x", "y", "width", "height"):
                if name in attrs:
                    float(attrs[name])
    assert hidden_bars, "the seeded data has small counts: some bars must be hidden"


def _csv(response, language):
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")),
                           delimiter=";" if language == "it" else ","))


def _count_section(rows, hidden_texts):
    """The cells (with the totals) of a count table's CSV rows: shown, hidden."""
    shown, hidden = {}, {}
    for i, row in enumerate(rows):
        for j, value in enumerate(row[1:]):
            if value.isdigit():
                shown[(i, j)] = int(value)
            elif value in ("< 10", "*"):
                hidden[(i, j)] = PRIMARY if value == "< 10" else SECONDARY
            else:
                pytest.fail(f"unexpected CSV cell {value!r}")
    return shown, hidden


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_csv_files_hide_what_the_page_hides(seeded, language):
    page = Client().get(URL[language]).content.decode()
    links = re.findall(r'href="([^"]+\.csv)"', page)
    figures = public.public_figures(language).figures
    assert len(links) == len(figures) + 1
    attacked = 0
    for figure, link in zip(figures, links, strict=False):
        response = Client().get(link)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = _csv(response, language)
        assert rows[0][0] == figure.row_heading
        legend = rows.index([])
        table = rows[1:legend]
        assert len(table) == len(figure.rows) + (1 if figure.has_totals else 0)
        if figure.kind == Kind.COUNT:
            assert rows[0][-1] == {"it": "Totale", "en": "Total"}[language]
            shown, hidden = _count_section(table, HIDDEN_TEXT[language])
            if hidden:
                attacked += 1
                assert_not_derivable(shown, hidden)
        else:
            for row, cells in zip(table, figure.rows, strict=True):
                for value, cell in zip(row[1:], cells.cells, strict=True):
                    if cell.status == SHOWN:
                        assert re.fullmatch(r"\d+" + ("," if language == "it" else r"\.")
                                            + r"\d", value), value
                    elif cell.status == PRIMARY:
                        assert value in HIDDEN_TEXT[language]
                    else:
                        assert value == ""
    assert attacked
    every = _csv(Client().get(links[-1]), language)
    assert [figures[0].title] == every[0]


@pytest.mark.parametrize("language, name, heading", [
    ("it", "liste-di-attesa", "Gruppo"), ("en", "waiting-list", "Group")])
def test_a_csv_is_named_and_headed_in_the_page_language(seeded, language, name, heading):
    response = Client().get(WAITING_CSV[language])
    figures = public.public_figures(language)
    expected = f"{name}-{figures.start:%Y-%m}-{figures.end:%Y-%m}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert response["Content-Language"] == language
    rows = _csv(response, language)
    assert rows[0][0] == figures.figures[4].row_heading
    legend = {"it": "meno di 10", "en": "fewer than 10"}[language]
    assert any(legend in row[0] for row in rows if row)


def test_a_file_name_of_the_other_language_redirects_and_an_unknown_one_is_not_found():
    client = Client(raise_request_exception=False)
    moved = client.get("/en/the-programme-in-numbers/liste-di-attesa.csv")
    assert moved.status_code == 301
    assert moved["Location"] == WAITING_CSV["en"]
    assert client.get("/it/il-programma-in-numeri/nessuna.csv").status_code == 404
    assert client.get("/it/il-programma-in-numeri/risultati.csv").status_code == 200


def test_the_page_and_its_files_come_from_the_page_cache(settings,
                                                          django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 300
    settings.DEBUG = False
    cache.clear()
    for url in (URL["it"], WAITING_CSV["it"], URL["en"], WAITING_CSV["en"]):
        client = Client()
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(1):
            again = client.get(url)
        assert again["X-Page-Cache"] == "hit"


def test_the_permission_belongs_to_the_outcomes_page():
    permission = Permission.objects.get(codename="view_outcomes",
                                        content_type__app_label="outcomes")
    assert permission.content_type.model == "outcomespage"
    assert permission.content_type.model_class() is not None  # not a stale type
    assert not ContentType.objects.filter(app_label="outcomes", model="outcomes").exists()


def test_the_migration_moves_the_grants_of_the_old_permission(django_user_model):
    migration = importlib.import_module(
        "outcomes.migrations.0002_view_outcomes_permission")
    new = Permission.objects.get(codename="view_outcomes",
                                 content_type__model="outcomespage")
    old_type = ContentType.objects.create(app_label="outcomes", model="outcomes")
    old = Permission.objects.create(content_type=old_type, codename="view_outcomes",
                                    name="Can view the outcomes dashboard")
    city = Group.objects.create(name="Comune")
    city.permissions.add(old)
    officer = django_user_model.objects.create_user(username="assessore",
                                                    email="a@example.org")
    officer.user_permissions.add(old)
    migration.move_grants(django_apps, None)
    assert list(city.permissions.all()) == [new]
    assert list(officer.user_permissions.all()) == [new]
    assert not Permission.objects.filter(pk=old.pk).exists()
    assert not ContentType.objects.filter(pk=old_type.pk).exists()


@pytest.mark.parametrize("language, text", [
    ("it", "Il programma in numeri"), ("en", "The programme in numbers")])
def test_every_footer_links_the_page(client, language, text):
    html = client.get(f"/{language}/").content.decode()
    footer = html[html.index("<footer"):]
    assert f'<a href="{URL[language]}">{text}</a>' in footer
    open_data = footer.index("dati-aperti/" if language == "it" else "open-data/")
    assert 0 < footer.index(URL[language]) - open_data < 200
