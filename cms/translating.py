"""Translating pages and snippets through wagtail-localize from ready-made strings.

The demo loader and the HSDS importer both arrive with translations already
written; going through wagtail-localize (rather than writing the translated
rows directly) keeps them in its translation memory, so translators see and
edit them in the usual translation editor.
"""

from wagtail_localize.models import Translation, TranslationSource


class TranslationIncomplete(Exception):
    """Some source strings of the object have no translation in the catalogue."""

    def __init__(self, instance, locale, missing):
        self.missing = missing
        super().__init__(
            f"{len(missing)} string(s) of {instance!r} have no {locale.language_code} "
            "translation: " + "; ".join(repr(m[:60]) for m in missing[:5])
        )


def translate_object(instance, locale, catalogue, user=None, publish=True):
    """Create or update `instance`'s translation into `locale` from catalogue (source -> target).

    Raises TranslationIncomplete, changing nothing, when a string is missing.
    Returns the translated object.
    """
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    po = translation.export_po()
    missing = []
    for entry in po:
        entry.msgstr = catalogue.get(entry.msgid, "")
        if not entry.msgstr:
            missing.append(entry.msgid)
    if missing:
        raise TranslationIncomplete(instance, locale, missing)
    translation.import_po(po, user=user)
    translated, _created = source.create_or_update_translation(
        locale, user=user, publish=publish, fallback=False
    )
    return translated
