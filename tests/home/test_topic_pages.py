"""A topic page built from factories, without the demo: what a reader gets from its blocks."""

import pytest

from cms.highrisk import facts_of
from tests.home.factories import TopicPageFactory, contact, english_site, question

pytestmark = pytest.mark.django_db


def test_a_topic_page_answers_its_questions_with_one_tap_to_call(reader):
    page = TopicPageFactory(
        parent=english_site(),
        title="Getting tested",
        slug="getting-tested",
        body=[question(1), contact(7)],
    )
    response = reader.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Question number 1?" in html
    assert 'href="tel:+12038543011"' in html
    assert "Helpline 7" in html


def test_the_page_knows_its_high_risk_facts_from_its_blocks():
    page = TopicPageFactory.build(body=[question(1), contact(7)])
    facts = {fact.what: fact for fact in facts_of(page).values()}
    assert facts["phone"].where == "Helpline 7"
    assert facts["phone"].value == "call: (203) 854-3011"
