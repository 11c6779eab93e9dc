"""The service edit form: checks that need all of a service's hours at once.

models.py builds its edit handler on this form, so this module names the models by module.
"""

from types import SimpleNamespace

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import models
from .hours import overlapping

HOUR_FIELDS = ("weekday", "opens_at", "closes_at", "closes_next_day", "valid_from", "valid_to")


def live_rows(formset, fields):
    """(form, values) for each filled, not-deleted form of a child formset."""
    if formset is None or not formset.is_valid():
        return []
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append((form, SimpleNamespace(**{name: data.get(name) for name in fields})))
    return rows


class ServiceForm(WagtailAdminModelForm):
    """Refuses overlapping weekly hours and two exceptions on one date, saying which."""

    def clean(self):
        cleaned = super().clean()
        hours = live_rows(self.formsets.get("opening_hours"), HOUR_FIELDS)
        forms_by_row = {id(values): form for form, values in hours}
        for first, second in overlapping([values for _form, values in hours]):
            forms_by_row[id(second)].add_error(
                None,
                _("These hours overlap with %(day)s %(opens)s–%(closes)s.")
                % {
                    "day": self._weekday_name(first.weekday),
                    "opens": first.opens_at.strftime("%H:%M"),
                    "closes": first.closes_at.strftime("%H:%M"),
                },
            )
        exceptions = live_rows(self.formsets.get("exceptions"), ("date",))
        seen = set()
        for form, values in exceptions:
            if values.date in seen:
                form.add_error("date", _("There is already an exception for this date."))
            seen.add(values.date)
        return cleaned

    @staticmethod
    def _weekday_name(weekday):
        return models.OpeningHours.Weekday(weekday).label
