"""A changed number or keyword that is still written in a service's or page's prose is pointed
out to the editor and the reviewer, in every language the item is translated into."""

import pytest
from wagtail.models import Locale

from cms.highrisk import HighRiskPanel, pending_changes, stale_mentions
from services.models import Service
from tests.services.factories import make_service, translate_service

pytestmark = pytest.mark.django_db


def hotline_with_prose():
    Locale.objects.get_or_create(language_code="es")
    service = make_service(
        name="Crisis line",
        phones=(("hotline", "+12038543011", ""), ("text", "+12038543012", "HELPNOW")),
        description="Call (203) 854-3011 any time, or text HELPNOW to 203.854.3012.",
    )
    service.save_revision().publish()
    translate_service(
        service, "es", description="Llame al 203-854-3011 a cualquier hora.", live=True
    )
    return Service.objects.get(pk=service.pk)


def draft_with_new_numbers(service):
    draft = Service.objects.get(pk=service.pk)
    phones = list(draft.phones.all())
    phones[0].number = "+12035550100"
    phones[1].sms_keyword = "SAFE"
    draft.phones = phones
    return draft


def test_the_old_number_and_keyword_still_in_the_text_are_found_in_every_language():
    service = hotline_with_prose()
    draft = draft_with_new_numbers(service)
    found = stale_mentions(draft, pending_changes(draft))
    assert ("English", "what it offers", "(203) 854-3011") in found
    assert ("Español", "what it offers", "(203) 854-3011") in found
    assert ("English", "what it offers", "HELPNOW") in found
    assert all(old != "(203) 854-3012" for _language, _where, old in found)  # unchanged


def test_the_panel_warns_only_when_the_old_value_is_still_written():
    service = hotline_with_prose()
    draft = draft_with_new_numbers(service)
    panel = HighRiskPanel().bind_to_model(Service).get_bound_panel(instance=draft)
    assert panel.changes and panel.stale
    draft.description = "Call the number below any time."
    Service.objects.filter(translation_key=service.translation_key).exclude(pk=service.pk).update(
        description="Llame al número de abajo."
    )
    panel = HighRiskPanel().bind_to_model(Service).get_bound_panel(instance=draft)
    assert panel.changes and not panel.stale
