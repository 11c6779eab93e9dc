"""Two-step sign-in for staff: an authenticator app (TOTP) and single-use recovery codes.

Built on django-otp. Administrators, every Reviewers group and superusers must
use it: one stolen password must not be enough to change what readers in
danger read. Anyone else may turn it on, and once on it is always asked for.
"""

import base64
from io import BytesIO
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
# Admin pages reachable before the second step: signing in and out, and these views.
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_step_setup",
    "two_step_verify",
}


def two_step_required(user):
    """Superusers, Administrators and every Reviewers group must use two-step sign-in."""
    if user.is_superuser:
        return True
    return user.groups.filter(Q(name="Administrators") | Q(name__startswith="Reviewers")).exists()


def has_two_step(user):
    return django_otp.user_has_device(user, confirmed=True)


class RequireTwoStep:
    """Middleware (after django-otp's): send staff to set up or give their second step.

    Only admin pages are guarded; the reader site never asks anyone to sign in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            not settings.WAYMARK_TWO_STEP
            or not request.path_info.startswith(settings.WAYMARK_ADMIN_PATH)
            or user is None
            or not user.is_authenticated
            or user.is_verified()
            or request.resolver_match.url_name in OPEN_URL_NAMES
        ):
            return None
        if has_two_step(user):
            target = "two_step_verify"
        elif two_step_required(user):
            target = "two_step_setup"
        else:
            return None
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


def safe_next(request, default="wagtailadmin_home"):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def qr_svg(text):
    """An inline SVG QR code: no image service, nothing leaves the server."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 (made by qrcode from our own URL)


def new_recovery_codes(user):
    """Replace the user's recovery codes with new ones; return them (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@never_cache
@sensitive_post_parameters("code")
def setup(request):
    """Scan a QR code (or type the key), confirm with a code, receive recovery codes."""
    user = request.user
    if has_two_step(user):
        return redirect("two_step_manage")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = new_recovery_codes(user)
            django_otp.login(request, device)
            return TemplateResponse(
                request,
                "staff/two_step_codes.html",
                {"codes": codes, "next": safe_next(request), "first_time": True},
            )
        form.add_error(
            "code",
            _("That code did not match. Wait for the next code, and check the time on your phone."),
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return TemplateResponse(
        request,
        "staff/two_step_setup.html",
        {
            "form": form,
            "qr": qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": two_step_required(user),
            "next": request.GET.get(REDIRECT_FIELD_NAME, ""),
        },
    )


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    """The second step: a code from the app, or one recovery code (used up)."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("You used a recovery code; %(count)d are left.") % {"count": left},
                )
            return redirect(safe_next(request))
        form.add_error(
            "code",
            _(
                "That code did not work. Wait for a new one, or use a recovery code. "
                "After several wrong codes you must wait a little longer each time."
            ),
        )
    return TemplateResponse(
        request,
        "staff/two_step_verify.html",
        {"form": form, "next": request.GET.get(REDIRECT_FIELD_NAME, "")},
        status=200 if not form.errors else 400,
    )


@never_cache
def manage(request):
    """Whether two-step sign-in is on, new recovery codes, turning it off (when allowed)."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "codes" and has_two_step(user):
        return TemplateResponse(
            request,
            "staff/two_step_codes.html",
            {"codes": new_recovery_codes(user), "next": reverse("two_step_manage")},
        )
    if request.method == "POST" and request.POST.get("action") == "off":
        if two_step_required(user):
            messages.error(request, _("Your role requires two-step sign-in."))
        else:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            messages.success(request, _("Two-step sign-in is off."))
        return redirect("two_step_manage")
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE).first()
    return TemplateResponse(
        request,
        "staff/two_step_manage.html",
        {
            "enabled": has_two_step(user),
            "required": two_step_required(user),
            "codes_left": recovery.token_set.count() if recovery else 0,
        },
    )


urlpatterns = [
    path("two-step/setup/", setup, name="two_step_setup"),
    path("two-step/verify/", verify, name="two_step_verify"),
    path("two-step/", manage, name="two_step_manage"),
]


def account_menu_item(request):
    return {
        "url": reverse("two_step_manage"),
        "label": _("Two-step sign-in"),
        "help_text": _("An app on your phone gives a code each time you sign in."),
    }
