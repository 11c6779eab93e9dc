"""System checks for rules no single app can see: each Waymark app says whether what it saves
is cleaned (cms.sanitize), so that the first new app with a text field is not silently skipped.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db.models import CharField, TextField
from wagtail.fields import RichTextField, StreamField

from .sanitize import OPT_IN

TEXT_FIELDS = (CharField, TextField, RichTextField, StreamField)


def waymark_apps():
    """App configs of this project's own apps (those inside its folder, not installed packages)."""
    base = Path(settings.BASE_DIR).resolve()
    own = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.relative_to(base).parts:
            own.append(config)
    return own


def has_text_fields(config):
    return any(
        isinstance(field, TEXT_FIELDS)
        for model in config.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
    )


@checks.register(checks.Tags.models)
def check_cleaning_declared(app_configs=None, **kwargs):
    """waymark.E001: an app of ours with text fields must say whether its saves are cleaned."""
    errors = []
    for config in waymark_apps():
        if app_configs is not None and config not in app_configs:
            continue
        declared = getattr(type(config), OPT_IN, None)
        if declared not in (True, False) and has_text_fields(config):
            errors.append(
                checks.Error(
                    f"The app '{config.label}' has text fields but does not say whether what it "
                    "saves is cleaned of unsafe markup and bidi controls.",
                    hint=f"Set `{OPT_IN} = True` on {type(config).__name__} (see cms/sanitize.py), "
                    "or False with a comment saying why its text needs no cleaning.",
                    obj=config,
                    id="waymark.E001",
                )
            )
    return errors
