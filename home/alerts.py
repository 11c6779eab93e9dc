"""Alerts: what readers of a language must know now ("the shelter is full tonight", "the tip
line is down until 6 pm: call this number instead"), in one place, in every language.

An alert is three fields of a page: its words, and when it holds (from `since`, blank for
at once; until `until`, blank for until removed). The language's home page carries the
site-wide alert, shown at the top of every page of that language; a topic page carries its
own. Being page fields, alerts go where pages go and through what pages go through: editors
write them in English; wagtail-localize offers the words to translators (the times are
synchronized from the English page); the language's reviewers approve every word before
readers see it; and a change is a high-risk change, recorded and e-mailed (the same
`high_risk_facts` as the page's contacts). Every cache keeps a page with an alert only until
the alert's next moment (cms.caching.valid_until), and a saved offline copy hides an alert
once its `until` has passed (static/js/offline.js reads `data-alert-until`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from cms.caching import valid_until
from cms.highrisk import Fact, page_facts

ALERT_MAX = 300


def alert_holding(text, since, until, now=None):
    """{"text", "since", "until"} when an alert holds now, else None; tells the caches when
    that answer stops being true."""
    if not (text or "").strip():
        return None
    now = now or timezone.now()
    if since is not None and now < since:
        valid_until(since)
        return None
    if until is not None:
        if now >= until:
            return None
        valid_until(until)
    return {"text": text.strip(), "since": since, "until": until}


class AlertFields(models.Model):
    """The alert of a page (see the module docstring)."""

    alert = models.TextField(
        _("alert"),
        max_length=ALERT_MAX,
        blank=True,
        help_text=_(
            "What readers must know now, shown at the top of the page (on a home page: of "
            "every page of its language). Leave empty for none."
        ),
    )
    alert_since = models.DateTimeField(
        _("alert shown from"), null=True, blank=True, help_text=_("Empty: at once.")
    )
    alert_until = models.DateTimeField(
        _("alert shown until"), null=True, blank=True, help_text=_("Empty: until removed.")
    )

    alert_panels = [
        MultiFieldPanel(
            [FieldPanel("alert"), FieldPanel("alert_since"), FieldPanel("alert_until")],
            heading=_("Alert"),
        )
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.alert_since and self.alert_until and self.alert_until <= self.alert_since:
            raise ValidationError({"alert_until": _("The alert must end after it starts.")})

    def holding_alert(self, now=None):
        return alert_holding(self.alert, self.alert_since, self.alert_until, now)

    def high_risk_facts(self):
        """The page's contacts and links, and its alert: a false alert ("call this number
        instead") is as dangerous as a changed number."""
        facts = page_facts(self)
        if self.alert.strip():
            when = " – ".join(
                moment.isoformat() if moment else "…"
                for moment in (self.alert_since, self.alert_until)
            )
            facts["alert"] = Fact("alert", str(_("Alert")), f"{self.alert.strip()} ({when})")
        return facts
