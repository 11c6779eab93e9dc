"""The demo loads once, completely, linked to its sources, and a second run changes nothing."""

import datetime
from io import StringIO

import pytest
from babel import dates as babel_dates
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Locale, Page, Revision, Site
from wagtail_localize.models import Translation, TranslationSource

from cms.formatting import format_date_long
from cms.models import ReaderSettings
from editorial.models import DemoLoad
from home.models import TopicPage
from services.models import Location, Organization, Service, ServicePhone

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_a_second_load_changes_nothing_and_prints_the_logins():
    before = row_counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert row_counts() == before
    for username, password in [
        ("admin", "waymark-admin-demo"),
        ("editor", "waymark-editor-demo"),
        ("reviewer", "waymark-reviewer-demo"),
        ("translator-es", "waymark-translator-demo"),
    ]:
        assert username in out.getvalue() and password in out.getvalue()
        assert get_user_model().objects.get(username=username).check_password(password)


def test_every_seed_section_is_an_english_page_and_all_are_in_spanish():
    english = TopicPage.objects.filter(locale__language_code="en")
    assert english.count() == 13
    spanish = Locale.objects.get(language_code="es")
    for page in english:
        translation = page.get_translation(spanish)
        assert translation.live
        assert translation.title != page.title


@pytest.mark.parametrize("code", ["pt", "ht", "ar"])
def test_home_and_reporting_pages_exist_in_the_other_languages(code):
    locale = Locale.objects.get(language_code=code)
    live = Page.objects.live().filter(locale=locale)
    assert live.filter(depth=2).exists()
    reporting = TopicPage.objects.get(locale__language_code="en", slug="reporting")
    assert reporting.get_translation(locale).live


def test_translations_stay_linked_to_their_source_through_wagtail_localize():
    for page in Page.objects.filter(depth__gte=2, locale__language_code="en"):
        source = TranslationSource.objects.get_for_instance(page)
        targets = set(
            Translation.objects.filter(source=source).values_list(
                "target_locale__language_code", flat=True
            )
        )
        assert "es" in targets, page.url_path


def test_contacts_point_at_the_same_directory_services_in_every_language():
    english = TopicPage.objects.get(locale__language_code="en", slug="reporting")
    arabic = english.get_translation(Locale.objects.get(language_code="ar"))

    def services(page):
        return [b.value["service"].slug for b in page.body if b.block_type == "contact"]

    assert (
        services(english)
        == services(arabic)
        == ["human-trafficking-hotline", "vice-unit-tip-line", "text-a-tip"]
    )
    numbers = {
        phone.number
        for slug in services(english)
        for phone in Service.objects.sources().get(slug=slug).phones.all()
    }
    assert numbers == {"+18883737888", "+12038543011", "847411"}


def test_every_seed_service_is_in_the_directory_unverified_and_in_spanish():
    sources = Service.objects.sources().filter(live=True)
    assert sources.count() == 20
    assert not sources.exclude(assured_date=None).exists()
    spanish = Service.objects.filter(locale__language_code="es", live=True)
    assert set(spanish.values_list("translation_key", flat=True)) == set(
        sources.values_list("translation_key", flat=True)
    )
    testing = sources.get(slug="health-department-testing")
    assert [
        (h.weekday, str(h.opens_at), str(h.closes_at)) for h in testing.opening_hours.all()
    ] == [
        (0, "09:00:00", "15:00:00"),
        (2, "09:00:00", "15:00:00"),
        (4, "09:00:00", "15:00:00"),
    ]
    assert testing.free and testing.confidential and testing.no_police
    tip_line = sources.get(slug="vice-unit-tip-line")
    assert tip_line.police and not tip_line.no_police
    assert set(sources.filter(police=True).values_list("slug", flat=True)) == {
        "vice-unit-tip-line",
        "text-a-tip",
        "police-online-portal",
    }


def test_demo_topic_pages_link_to_the_directory(reader):
    html = reader.get("/en/topics/medical-care/").content.decode()
    assert 'href="/en/services/health-department-testing/"' in html


def test_no_user_exists_without_the_demo_loader(django_db_blocker):
    # Migrations alone create no accounts: the users here all come from load_demo.
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "admin",
        "editor",
        "reviewer",
        "translator-es",
        "reviewer-es",
    }


def test_haitian_creole_dates_use_real_month_names():
    assert format_date_long(datetime.date(2026, 11, 26), "ht") == "26 novanm 2026"
    assert format_date_long(datetime.date(2027, 7, 4), "ht") == "4 jiyè 2027"


def test_haitian_creole_names_do_not_leak_into_other_languages():
    # Haitian Creole's tables come from CLDR's root locale, shared with others.
    december = datetime.date(2026, 12, 7)
    assert babel_dates.format_date(december, "d MMM", locale="ht") == "7 desanm"
    assert babel_dates.format_date(december, "d MMM", locale="ar") == "7 ديسمبر"
    assert babel_dates.format_date(december, "EEE", locale="ar") == "الاثنين"
    assert babel_dates.format_date(december, "d MMM", locale="en") == "7 Dec"


def test_a_rerun_keeps_every_edit_people_made_through_review(client):
    """Staff edit the demo as they would (through review), then `make run` runs again."""
    User = get_user_model()
    editor, admin = User.objects.get(username="editor"), User.objects.get(username="admin")
    hotline = Service.objects.get(locale__language_code="en", slug="human-trafficking-hotline")
    draft = hotline.get_latest_revision_as_object()
    draft.phones = [
        ServicePhone(hsds_id=phone.hsds_id, kind=phone.kind, number=phone.number[:-1] + "9")
        for phone in draft.phones.all()
    ]
    draft.alert = "Closed on Monday for a move."
    draft.assured_date, draft.assurer = datetime.date(2026, 12, 1), "reviewer@example.org"
    draft.save_revision(user=editor)
    task_state = draft.get_workflow().start(draft, editor).current_task_state
    client.force_login(User.objects.get(username="reviewer"))
    approve = reverse(
        "wagtailsnippets_services_service:workflow_action",
        args=[hotline.pk, "approve", task_state.pk],
    )
    assert client.post(approve, {"comment": ""}).status_code in (200, 302)
    hotline.refresh_from_db()
    assert hotline.phones.first().number.endswith("9") and hotline.alert
    # A location's address, a Spanish page, the reader settings, a password, a membership.
    location = hotline.service_locations.first()
    location = location.location if location else Location.objects.first()
    location.address_1 = "1 Edited Street"
    location.save()
    spanish = TopicPage.objects.get(locale__language_code="es", slug="denunciar")
    spanish.title = "Cómo denunciar (revisado)"
    spanish.save_revision(user=admin).publish(user=admin)
    settings = ReaderSettings.for_site(Site.objects.get(is_default_site=True))
    settings.emergency_number = "112"
    settings.save()
    admin.set_password("a password the admin chose")
    admin.save()
    editor.groups.clear()
    # A service someone removed (it closed) stays removed.
    gone = Service.objects.get(locale__language_code="en", slug="mobile-health-van")
    gone_key = gone.translation_key
    Service.objects.filter(translation_key=gone_key).delete()
    revisions = Revision.objects.count()

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert "left as people have changed it" in out.getvalue()
    hotline = Service.objects.get(pk=hotline.pk)
    assert hotline.live and not hotline.has_unpublished_changes
    assert hotline.phones.first().number.endswith("9")
    assert hotline.alert == "Closed on Monday for a move."
    assert hotline.assured_date == datetime.date(2026, 12, 1)
    assert Location.objects.get(pk=location.pk).address_1 == "1 Edited Street"
    assert TopicPage.objects.get(pk=spanish.pk).title == "Cómo denunciar (revisado)"
    assert ReaderSettings.objects.get(pk=settings.pk).emergency_number == "112"
    admin.refresh_from_db()
    assert admin.check_password("a password the admin chose")
    assert not editor.groups.exists()
    assert not Service.objects.filter(translation_key=gone_key).exists()
    assert Revision.objects.count() == revisions  # nothing saved, nothing published


def test_a_database_from_before_the_demo_load_record_keeps_its_edits_too():
    """A demo loaded by an older Waymark has no record of its load: the rerun creates only
    what is missing (as it completes an interrupted load) and overwrites nothing."""
    hotline = Service.objects.get(locale__language_code="en", slug="human-trafficking-hotline")
    hotline.alert = "Edited and published."
    hotline.save_revision().publish()
    organization = hotline.organization
    organization.name = "Renamed by an editor"
    organization.save()
    missing = Service.objects.get(locale__language_code="en", slug="mobile-health-van")
    missing_key = missing.translation_key
    Service.objects.filter(translation_key=missing_key).delete()
    DemoLoad.objects.all().delete()

    call_command("load_demo", stdout=StringIO())

    assert Service.objects.get(pk=hotline.pk).alert == "Edited and published."
    assert Organization.objects.get(pk=organization.pk).name == "Renamed by an editor"
    assert Service.objects.filter(translation_key=missing_key, locale__language_code="en").exists()
    assert DemoLoad.objects.exists()
