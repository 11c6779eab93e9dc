"""What a locked-out sign-in sees: django-axes calls `locked_out` after too many wrong passwords."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, credentials=None, *args, **kwargs):
    """429 with a clear message: how long to wait, and who can unlock sooner."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # Rendered here: django-axes returns it from middleware, past template rendering.
    return render(request, "staff/locked_out.html", {"minutes": minutes}, status=429)
