"""System check: services can be written in exactly the site's languages.

Service permissions ("Can edit services in es") are listed in Service.Meta, and so
in migrations, from a fixed list; when settings.LANGUAGES gains or loses a language
that list must follow, with a migration.
"""

from django.core import checks

from cms import languages

from .models import SERVICE_LANGUAGES


@checks.register(checks.Tags.models)
def check_service_languages(app_configs=None, **kwargs):
    """waymark.E002: SERVICE_LANGUAGES is settings.LANGUAGES' codes, in any order."""
    if set(SERVICE_LANGUAGES) == set(languages.codes()):
        return []
    return [
        checks.Error(
            f"Services can be written in {sorted(SERVICE_LANGUAGES)}, but the site's languages "
            f"are {sorted(languages.codes())}.",
            hint="Change SERVICE_LANGUAGES in services/models.py to match settings.LANGUAGES, "
            "then run makemigrations for the new permissions.",
            id="waymark.E002",
        )
    ]
