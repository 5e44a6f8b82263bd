"""A citizen finds the data-protection request form from every page's footer, and the
privacy notice tells where it is (review finding: nothing linked to it)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "label", "form", "notice", "said"), [
    ("it", "I tuoi dati: una richiesta", "/it/richiesta-dati-personali/", "/it/privacy/",
     "«I tuoi dati: una richiesta», in fondo a ogni pagina"),
    ("en", "Your data: a request", "/en/data-protection-request/", "/en/privacy-notice/",
     "“Your data: a request”, at the bottom of every page"),
])
def test_every_footer_links_to_the_form_and_the_notice_says_so(language, label, form,
                                                                 notice, said):
    client = Client()
    for page in (f"/{language}/", notice):
        response = client.get(page)
        assert response.status_code == 200
        assert f'<a href="{form}">{label}</a>' in response.content.decode()
    assert said in client.get(notice).content.decode()
    assert client.get(form).status_code == 200
