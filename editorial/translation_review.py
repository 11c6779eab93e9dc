"""Translation review: no word reaches readers of a language without that language's reviewer.

Translators translate in wagtail-localize's editor, whose strings are kept apart
from the page or service until they are written into it. wagtail-localize writes
them only by publishing; this module adds the missing middle step:

- `submit_for_review`: the translator's strings become a *draft revision* of the
  translated page or service (never its live row) and enter the language's review
  workflow ("Translation review (<language>)" for pages, "Service review" for
  services), where that language's reviewers approve it (Wagtail publishes the
  revision) or request changes with a comment;
- `bring_up_to_date`: an outdated translation is brought level with the current
  source as a draft, for its own language only, without publishing anything.

Who may change what readers of a language see is decided in one place,
`may_publish`: that language's reviewers and administrators, nobody else.
wagtail-localize's own `save_target(publish=False)` is not used: it writes the
translated fields into the live row, and for services it sets `live = False`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.models import Page, WorkflowState
from wagtail_localize.models import Translation

from cms import languages
from services.models import Service, can_edit_language


class ReviewRefused(Exception):
    """The step cannot be taken; the message says why, in the user's language."""


def is_administrator(user):
    return user.is_active and (
        user.is_superuser or user.groups.filter(name="Administrators").exists()
    )


def works_in(user, language_code):
    """Whether the user translates or reviews this language (or edits it, for the source)."""
    return user.is_active and can_edit_language(user, language_code)


def translation_languages(user):
    """The languages this user may start translations into (never the source): those they
    translate or review; every one for administrators and for the source's reviewers, who
    send new pages for translation. A translation starts as a draft either way."""
    if is_administrator(user) or (
        user.has_perm("wagtail_localize.submit_translation") and works_in(user, languages.source())
    ):
        return languages.translations()
    return [code for code in languages.translations() if works_in(user, code)]


def may_publish(user, obj):
    """Whether the user may change what readers see of `obj`: its language's reviewers and
    administrators (page publish permission on its tree; for a service, the services'
    publish permission and its language)."""
    if not user.is_active:
        return False
    if isinstance(obj, Page):
        return obj.permissions_for_user(user).can_publish()
    if isinstance(obj, Service):
        return user.has_perm("services.publish_service") and can_edit_language(
            user, obj.locale.language_code
        )
    return user.is_superuser


def translation_of(obj):
    """The enabled wagtail-localize Translation that writes `obj`, or None (a source)."""
    return (
        Translation.objects.filter(
            source__object_id=obj.translation_key, target_locale_id=obj.locale_id, enabled=True
        )
        .select_related("source", "target_locale")
        .first()
    )


def strings_left(translation):
    """How many of the source's strings have no translation in the target language yet."""
    total, done = translation.get_progress()
    return total - done


def workflow_state(obj):
    """The object's workflow state that is in progress or waiting for changes, or None."""
    return (
        WorkflowState.objects.for_instance(obj)
        .filter(status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES])
        .select_related("current_task_state", "requested_by")
        .order_by("-created_at")
        .first()
    )


def _check_translator(user, obj):
    if not works_in(user, obj.locale.language_code):
        raise ReviewRefused(
            _("You do not translate into %(language)s.")
            % {"language": obj.locale.get_display_name()}
        )


def save_draft(user, translation, obj):
    """The translation's strings as a new draft revision of `obj`; the live row is untouched."""
    draft = translation.source.get_ephemeral_translated_instance(
        translation.target_locale, fallback=True
    )
    if isinstance(draft, Page):
        # As wagtail-localize does when it publishes: a translated slug made into a slug.
        draft.slug = find_available_slug(
            draft.get_parent(), slugify(draft.slug), ignore_page_id=draft.pk
        )
    try:
        return draft.save_revision(user=user, log_action=True)
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise ReviewRefused(
            _("This translation cannot be saved until it is corrected: %(problems)s")
            % {"problems": problems}
        ) from error


@transaction.atomic
def submit_for_review(user, obj):
    """Save the translator's strings as a draft of `obj` and ask its language's reviewers."""
    _check_translator(user, obj)
    translation = translation_of(obj)
    if translation is None:
        raise ReviewRefused(_("This is not a synced translation: edit it and submit it instead."))
    left = strings_left(translation)
    if left:
        raise ReviewRefused(
            _("%(count)d strings still need a translation before this can be reviewed.")
            % {"count": left}
        )
    revision = save_draft(user, translation, obj)
    obj.refresh_from_db()
    state = workflow_state(obj)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    elif state is None:
        workflow = obj.get_workflow()
        if workflow is None:
            raise ReviewRefused(_("No review workflow covers this item; ask an administrator."))
        workflow.start(obj, user)
    return revision


@transaction.atomic
def bring_up_to_date(user, obj):
    """Read the source again and save this language's translation of it as a draft (strings
    still to translate show the source's words until translated)."""
    _check_translator(user, obj)
    translation = translation_of(obj)
    if translation is None:
        raise ReviewRefused(_("This is not a synced translation."))
    translation.source.update_from_db()
    return save_draft(user, translation, obj)
