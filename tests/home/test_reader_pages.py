"""What every reader page shows: quick exit, emergency strip, notices, Q&A, contacts, dates."""

import json
import re

import pytest
from wagtail.models import Locale, Site

from cms.models import ReaderSettings
from home.models import TopicIndexPage, TopicPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def topic(language_code, slug):
    english = TopicPage.objects.get(locale__language_code="en", slug=slug)
    return english.get_translation(Locale.objects.get(language_code=language_code))


def test_every_page_has_skip_link_exit_control_and_emergency_strip(reader):
    for url in ["/en/", "/es/temas/", topic("es", "reporting").url, "/ar/no-such-page/"]:
        html = reader.get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in html, url
        assert '<main id="main" tabindex="-1">' in html, url
        assert re.search(
            r'<a class="exit-this-page__button" href="https://www.bbc.co.uk/weather"', html
        )
        assert 'rel="nofollow noreferrer" data-exit-this-page' in html
        assert '<a class="emergency-strip__call" href="tel:911">' in html


def test_exit_destination_and_emergency_number_come_from_site_settings(reader):
    settings = ReaderSettings.for_site(Site.objects.get(is_default_site=True))
    settings.exit_url = "https://weather.example.org/"
    settings.emergency_number = "112"
    settings.save()
    html = reader.get("/es/").content.decode()
    assert 'href="https://weather.example.org/" rel="nofollow noreferrer"' in html
    assert (
        'href="tel:112"><span>¿En peligro inmediato?</span> <strong>Llame al 112</strong></a>'
        in html
    )


def test_exit_control_and_strip_are_translated(reader):
    html = reader.get("/es/").content.decode()
    assert "Salir de esta página" in html
    assert "¿En peligro inmediato?" in html
    assert "Saltar al contenido principal" in html


def test_sample_content_notice_is_shown_until_switched_off(reader):
    assert "Contenido de muestra, no verificado." in reader.get("/es/").content.decode()
    settings = ReaderSettings.for_site(Site.objects.get(is_default_site=True))
    settings.show_sample_notice = False
    settings.save()
    assert 'class="sample-notice"' not in reader.get("/es/").content.decode()


def test_topic_page_has_table_of_contents_linking_to_each_question(reader):
    page = topic("en", "reporting")
    html = reader.get(page.url).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    anchors = re.findall(r'href="#(q-[\w-]+)">([^<]+)<', toc)
    assert [question for _anchor, question in anchors] == [
        "What reporting options exist for residents?",
        "What should I include in a report?",
        "Can I report online?",
    ]
    for anchor, question in anchors:
        assert f'<h2 id="{anchor}">{question}</h2>' in html


def test_topic_page_emits_faq_structured_data(reader):
    html = reader.get(topic("es", "reporting").url).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "FAQPage"
    assert data["inLanguage"] == "es"
    assert len(data["mainEntity"]) == 3
    first = data["mainEntity"][0]
    assert first["@type"] == "Question"
    assert first["acceptedAnswer"]["@type"] == "Answer"
    assert "(203) 854-3011" in first["acceptedAnswer"]["text"]
    assert "<" not in first["acceptedAnswer"]["text"]


def test_structured_data_cannot_close_its_script_element(reader):
    page = topic("en", "visitors")
    page.body = [
        ("question", {"question": "</script><script>alert(1)</script>?", "answer": "<p>x</p>"})
    ]
    page.save_revision().publish()
    html = reader.get(page.url).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in script
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    ("code", "reviewed", "due"),
    [
        ("en", "October 1, 2026", "March 30, 2027"),
        ("es", "1 de octubre de 2026", "30 de marzo de 2027"),
        ("pt", "1 de outubro de 2026", "30 de março de 2027"),
        ("ht", "1 oktòb 2026", "30 mas 2027"),
        ("ar", "1 أكتوبر 2026", "30 مارس 2027"),
    ],
)
def test_review_dates_are_written_out_in_the_readers_language(reader, code, reviewed, due):
    html = reader.get(topic(code, "reporting").url).content.decode()
    assert f'<time datetime="2026-10-01">{reviewed}</time>' in html
    assert f'<time datetime="2027-03-30">{due}</time>' in html


def test_contacts_are_one_tap_to_call_or_text_with_the_keyword(reader):
    html = reader.get(topic("es", "reporting").url).content.decode()
    assert '<a class="contact__action" href="tel:+18883737888">' in html
    assert '<a class="contact__action" href="tel:+12038543011">' in html
    assert '<a class="contact__action" href="sms:847411?body=NORWALKPD">' in html
    assert "Comience su mensaje con NORWALKPD" in html or "NORWALKPD" in html


def test_callouts_are_labelled_asides(reader):
    html = reader.get(topic("es", "reporting").url).content.decode()
    assert '<aside class="callout callout--warning" aria-label="Advertencia">' in html


def test_home_page_offers_help_now_and_featured_topics_of_its_language(reader):
    html = reader.get("/pt/").content.decode()
    assert 'href="tel:+18883737888"' in html
    featured = re.search(r'<ul class="topic-list">.*?</ul>', html, re.S).group(0)
    # Only the reporting page exists in Portuguese: no links into other languages.
    assert re.findall(r'href="([^"]+)"', featured) == [topic("pt", "reporting").url]


def test_staying_safe_online_page_exists_in_english_and_spanish(reader):
    for code in ("en", "es"):
        response = reader.get(topic(code, "staying-safe-online").url)
        assert response.status_code == 200


def test_topic_index_lists_its_topics(reader):
    index = TopicIndexPage.objects.get(locale__language_code="es")
    html = reader.get(index.url).content.decode()
    listing = re.search(r'<ul class="topic-list">.*?</ul>', html, re.S).group(0)
    assert listing.count('<li><a href="/es/temas/') == 13


def test_topic_pages_list_their_sources_or_say_there_are_none(reader):
    import datetime

    from home.models import PageSource

    page = TopicPage.objects.get(slug="the-law", locale__language_code="en")
    html = reader.get(page.url).content.decode()
    assert '<h2 id="sources-heading">Sources</h2>' in html
    assert "No sources are listed yet" in html  # the demo's seed claims have none
    page.sources = [
        PageSource(
            title="Connecticut General Statutes §53a-82",
            url="https://www.cga.ct.gov/current/pub/chap_952.htm",
            accessed=datetime.date(2026, 11, 2),
        )
    ]
    page.save_revision().publish()
    html = reader.get(page.url).content.decode()
    assert 'href="https://www.cga.ct.gov/current/pub/chap_952.htm" rel="noreferrer"' in html
    assert "read on November 2, 2026" in html
    spanish = reader.get(page.get_translation(Locale.objects.get(language_code="es")).url)
    assert "Fuentes" in spanish.content.decode()
