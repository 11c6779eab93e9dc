"""'Is something wrong on this page?': a reader's report, taken without cookies or IP addresses.

Protection without a CSRF cookie (readers get no cookies at all): a
cross-site form post is refused by its `Origin` header, or, when that is
absent or "null" (our no-referrer policy makes browsers send "null"), by its
`Sec-Fetch-Site` header; a honeypot field catches simple bots; and a rate
limit counts posts per keyed hash of the client address in the cache for ten
minutes only (the address itself is never stored, in the cache or the
database). A report written offline is queued by the page's script and sent
later with an id of its own, so a retry is stored exactly once.
"""

import hashlib
import hmac

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Locale, Page

from cms.clients import client_address
from editorial.models import Feedback

RATE_LIMIT = 5  # reports per address per window
RATE_WINDOW = 600  # seconds


class FeedbackForm(forms.Form):
    """What a reader tells us; every field is limited in size."""

    message = forms.CharField(
        label=_("What is wrong?"),
        max_length=Feedback.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Tell us what is wrong."),
            "max_length": _("Please keep it under %(limit_value)d characters."),
        },
    )
    contact = forms.CharField(
        label=_("How can we reach you? (optional)"),
        max_length=Feedback.CONTACT_MAX,
        required=False,
        error_messages={"max_length": _("Please keep it under %(limit_value)d characters.")},
    )
    # Left empty by people; bots fill every field they find.
    website = forms.CharField(required=False)
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    path = forms.CharField(max_length=300, widget=forms.HiddenInput)

    def clean_path(self):
        path = self.cleaned_data["path"]
        if not path.startswith("/") or path.startswith("//") or "\\" in path:
            raise forms.ValidationError(_("This form was sent from an unknown page."))
        return path


def same_origin(request):
    """Whether the post comes from a page of this site (no CSRF cookie needed).

    Our pages send no referrer, so browsers send `Origin: null` on their form
    posts; `Sec-Fetch-Site` then tells same-site from cross-site.
    """
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin == f"{request.scheme}://{request.get_host()}"
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    # Browsers old enough to send neither header cannot be made to post
    # cross-site by modern pages; the honeypot and the rate limit still apply.
    return True


def rate_limited(request):
    """Count this post against its address's window; True once over the limit."""
    address = client_address(request)
    day = timezone.now().date().isoformat()
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"{address}|{day}".encode(), hashlib.sha256
    ).hexdigest()
    cache_key = f"feedback-rate:{key}"
    cache.add(cache_key, 0, RATE_WINDOW)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, RATE_WINDOW)
        count = 1
    # Without the cache (Redis lost) nobody can be counted: a reader's report of a wrong
    # number is let through rather than refused (the honeypot and origin checks still hold).
    return count is not None and count > RATE_LIMIT


@csrf_exempt  # see the module docstring: Origin / Sec-Fetch-Site instead of a cookie
@require_POST
def submit_feedback(request):
    """Store a reader's report, or say clearly what to fix; never a partial record."""
    form = FeedbackForm(request.POST)
    context = {"feedback_form": form, "page": None}
    if not same_origin(request):
        context["refused"] = True
        return TemplateResponse(request, "reader/feedback.html", context, status=403)
    if rate_limited(request):
        context["too_many"] = True
        return TemplateResponse(request, "reader/feedback.html", context, status=429)
    if not form.is_valid():
        return TemplateResponse(request, "reader/feedback.html", context, status=400)
    data = form.cleaned_data
    context["back"] = data["path"]
    if data["website"]:
        context["thanks"] = True  # a bot: thank it, keep nothing
        return TemplateResponse(request, "reader/feedback.html", context)
    if data["client_id"] and Feedback.objects.filter(client_id=data["client_id"]).exists():
        context["thanks"] = True  # a queued report sent again: it is already kept
        return TemplateResponse(request, "reader/feedback.html", context)
    page = Page.objects.filter(pk=data["page"]).first() if data["page"] else None
    try:
        with transaction.atomic():
            Feedback.objects.create(
                page=page,
                path=data["path"],
                locale=Locale.get_active(),
                message=data["message"],
                contact=data["contact"],
                client_id=data["client_id"],
            )
    except IntegrityError:
        pass  # the same queued report arrived twice at once: one is kept
    context["thanks"] = True
    return TemplateResponse(request, "reader/feedback.html", context)
