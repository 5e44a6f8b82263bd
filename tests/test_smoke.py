import pytest

pytestmark = pytest.mark.django_db


def test_root_redirects_to_italian_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/it/"


def test_root_redirects_english_browsers_to_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(
    ("url", "text"),
    [("/it/", "Perdere il lavoro pesa"), ("/en/", "Losing your job weighs on you")],
)
def test_home_pages_show_programme_content_in_each_language(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()
