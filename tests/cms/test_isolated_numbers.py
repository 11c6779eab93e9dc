"""Number runs in right-to-left rich text are isolated, and nothing else is touched."""

from django.utils import translation

from cms.templatetags.reader import isolated

RICH = (
    '<p>اتصل على (203) 854-3011 أو <a href="tel:+18883737888">1-888-373-7888</a>، '
    "الرمز 847411، في 2/12/2026</p>"
)


def test_in_arabic_phone_numbers_and_dates_are_isolated_and_attributes_untouched():
    with translation.override("ar"):
        html = isolated(RICH)
    assert '<span class="num" dir="ltr">(203) 854-3011</span>' in html
    assert (
        '<a href="tel:+18883737888"><span class="num" dir="ltr">1-888-373-7888</span></a>' in html
    )
    assert '<span class="num" dir="ltr">2/12/2026</span>' in html
    assert "الرمز 847411،" in html  # one group of digits keeps its order by itself


def test_left_to_right_pages_are_left_as_they_are():
    with translation.override("es"):
        assert isolated(RICH) == RICH
