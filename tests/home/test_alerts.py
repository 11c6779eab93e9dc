"""Alerts: editors warn every reader of a language at once (the home page's alert) or the
readers of one page; each language sees only what its reviewers published, only while the
alert holds, and a change to an alert is a high-risk change."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail_localize.models import StringSegment, TranslationSource
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from editorial.models import HighRiskChange
from home.models import HomePage, TopicPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

LANGUAGES = ["en", "es", "pt", "ht", "ar"]


def home(code):
    return HomePage.objects.get(locale__language_code=code)


def topic(code, slug):
    return TopicPage.objects.get(locale__language_code=code, slug=slug)


def pages_of(code):
    return [f"/{code}/", f"/{code}/search/?q=911", f"/{code}/offline/", topic_url(code)]


def topic_url(code):
    return TopicPage.objects.filter(live=True, locale__language_code=code).order_by("path")[0].url


def alerts(reader, url):
    html = reader.get(url).content.decode()
    return re.findall(r'<div class="site-alert"[^>]*>\s*<p><strong>[^<]*</strong> (.*?)</p>', html)


def publish_alert(page, on_commit, text, since=None, until=None, user=None):
    with on_commit(execute=True):
        page.alert, page.alert_since, page.alert_until = text, since, until
        page.save_revision(user=user).publish(user=user)


def test_a_site_wide_alert_shows_on_every_page_of_its_language_only(
    reader, django_capture_on_commit_callbacks
):
    for code in LANGUAGES:  # the pages are kept in the cache before the change
        for url in pages_of(code):
            reader.get(url)
    publish_alert(home("en"), django_capture_on_commit_callbacks, "Shelter full tonight.")
    for url in pages_of("en"):
        assert alerts(reader, url) == ["Shelter full tonight."], url
    # Other languages see it once their reviewers have published their words.
    for code in ("es", "pt", "ht", "ar"):
        for url in pages_of(code):
            assert alerts(reader, url) == [], url
    publish_alert(home("es"), django_capture_on_commit_callbacks, "Refugio lleno esta noche.")
    for url in pages_of("es"):
        assert alerts(reader, url) == ["Refugio lleno esta noche."], url


def test_a_page_alert_shows_on_its_page_below_the_site_wide_one(
    reader, django_capture_on_commit_callbacks
):
    reporting = topic("ar", "reporting")
    publish_alert(home("ar"), django_capture_on_commit_callbacks, "تنبيه عام.")
    publish_alert(reporting, django_capture_on_commit_callbacks, "الخط (203) 854-3011 متوقف اليوم.")
    assert alerts(reader, reporting.url) == [
        "تنبيه عام.",
        'الخط <span class="num" dir="ltr">(203) 854-3011</span> متوقف اليوم.',
    ]
    assert alerts(reader, "/ar/") == ["تنبيه عام."]


def test_an_alert_holds_only_between_its_times_and_caches_keep_it_no_longer(
    reader, django_capture_on_commit_callbacks
):
    page = topic("en", "reporting")
    now = timezone.now()  # at the test, not at import: a suite takes minutes
    later = now + datetime.timedelta(minutes=10)
    publish_alert(page, django_capture_on_commit_callbacks, "Soon.", since=later)
    response = reader.get(page.url)
    assert alerts(reader, page.url) == []
    # Kept by a proxy at most until the alert starts.
    shared = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))
    assert 0 < shared <= 600
    publish_alert(
        page,
        django_capture_on_commit_callbacks,
        "Now.",
        until=now + datetime.timedelta(minutes=5),
    )
    response = reader.get(page.url)
    assert alerts(reader, page.url) == ["Now."]
    assert 'data-alert-until="' in response.content.decode()  # saved copies hide it after
    assert int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1)) <= 300
    publish_alert(
        page, django_capture_on_commit_callbacks, "Over.", until=now - datetime.timedelta(hours=1)
    )
    assert alerts(reader, page.url) == []


def test_an_alert_says_since_and_until_in_the_readers_language(
    reader, django_capture_on_commit_callbacks
):
    until = datetime.datetime(2099, 12, 7, 23, 0, tzinfo=datetime.UTC)
    publish_alert(home("es"), django_capture_on_commit_callbacks, "Cerrado.", until=until)
    html = reader.get("/es/").content.decode()
    assert "Hasta el 7 de diciembre de 2099, 18:00." in html  # the site's time, New York


def test_a_changed_alert_is_a_high_risk_change(django_capture_on_commit_callbacks):
    admin = get_user_model().objects.get(username="admin")
    HighRiskChange.objects.all().delete()
    publish_alert(
        home("en"), django_capture_on_commit_callbacks, "Call 555-0100 instead.", user=admin
    )
    change = HighRiskChange.objects.get()
    assert [(item["what"], item["old"]) for item in change.changes] == [("alert", "")]
    assert change.changes[0]["new"].startswith("Call 555-0100 instead.")


def test_translators_are_offered_the_alert_and_the_times_follow_the_english_page(
    django_capture_on_commit_callbacks,
):
    until = timezone.now() + datetime.timedelta(days=1)
    page = home("en")
    publish_alert(page, django_capture_on_commit_callbacks, "Shelter full tonight.", until=until)
    source, _created = TranslationSource.update_or_create_from_instance(page)
    texts = set(StringSegment.objects.filter(source=source).values_list("string__data", flat=True))
    assert "Shelter full tonight." in texts
    translated = {
        segment.path
        for segment in extract_segments(page)
        if isinstance(segment, StringSegmentValue)
    }
    assert "alert" in translated
    assert not translated & {"alert_since", "alert_until"}  # synchronized from English
