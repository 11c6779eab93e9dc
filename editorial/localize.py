"""wagtail-localize's admin views, with the doors that put text live without review closed.

wagtail-localize checks only that a user may *edit* something before it converts a live
translation to an alias of its source, publishes every translation from "Sync
translated pages", or lets a translator work on any language's service. Here each of
its views that can change what readers see, or that works on a language, is wrapped:

- converting to an alias, and syncing with "Publish immediately", need the right to
  publish in each language touched (`translation_review.may_publish`);
- starting a translation offers only the languages the user works in;
- the translation editor's string, override, PO file, machine translation, preview and
  stop endpoints refuse a service translation in a language the user does not work in
  (pages are already limited to their language's tree);
- the editor gains "Submit for review" and "Update from the source", and a reviewer's
  "Publish" of a translation under review approves that review.

The wrapped views keep wagtail-localize's URLs (registered before its own, under the
same paths), so every link it draws leads through these checks.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation
from wagtail_localize.views import (
    convert,
    edit_translation,
    submit_translations,
    update_translations,
)

from . import translation_review
from .translation_review import ReviewRefused, may_publish, translation_languages, works_in


def refuse(request, message):
    """A clear refusal: the message on the next page, and 403 for this one."""
    messages.error(request, message)
    raise PermissionDenied(message)


# -- converting a live translation to an alias of its source --------------------------


def convert_to_alias(request, page_id):
    page = get_object_or_404(Page, id=page_id).specific
    if not may_publish(request.user, page):
        refuse(
            request,
            _(
                "Only reviewers of %(language)s can make this page show the %(source)s page: "
                "readers would see text nobody reviewed for them."
            )
            % {
                "language": page.locale.get_display_name(),
                "source": Locale.get_default().get_display_name(),
            },
        )
    return convert.convert_to_alias(request, page_id)


# -- starting a translation: the user's own languages only -----------------------------


class OwnLanguagesSubmit:
    """The "Translate" form offers only the languages the user translates into."""

    def get_form(self):
        form = super().get_form()
        form.fields["locales"].queryset = form.fields["locales"].queryset.filter(
            language_code__in=translation_languages(self.request.user)
        )
        return form

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not translation_languages(request.user):
            refuse(request, _("You do not translate into any language."))
        return super().dispatch(request, *args, **kwargs)


class SubmitPageTranslationView(OwnLanguagesSubmit, submit_translations.SubmitPageTranslationView):
    pass


class SubmitSnippetTranslationView(
    OwnLanguagesSubmit, submit_translations.SubmitSnippetTranslationView
):
    pass


# -- syncing translations with their source --------------------------------------------


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    """Sync brings every translation's editor up to date with the source; "Publish
    immediately" is offered only to someone who may publish every language it would touch."""

    def may_publish_all(self):
        user = self.request.user
        for translation in self.object.translations.filter(enabled=True):
            try:
                target = self.object.get_translated_instance(translation.target_locale)
            except Exception:  # not made yet: publishing would create it live
                if not translation_review.is_administrator(user):
                    return False
                continue
            if not may_publish(user, getattr(target, "specific", target)):
                return False
        return True

    def get_form(self):
        form = super().get_form()
        if not self.may_publish_all():
            form.fields.pop("publish_translations", None)
        return form

    def post(self, request, **kwargs):
        if request.POST.get("publish_translations") and not self.may_publish_all():
            refuse(
                request,
                _(
                    "Only the reviewers of each language publish its translation. "
                    "Sync without publishing: translators then bring theirs up to date."
                ),
            )
        return super().post(request, **kwargs)

    def form_valid(self, form):
        form.cleaned_data.setdefault("publish_translations", False)
        return super().form_valid(form)


# -- the translation editor's own endpoints --------------------------------------------


def in_translators_language(view):
    """Refuse a translation endpoint for a service translation the user may not work on."""

    @wraps(view)
    def guarded(request, translation_id, *args, **kwargs):
        translation = get_object_or_404(
            Translation.objects.select_related("target_locale", "source"), id=translation_id
        )
        model = translation.source.specific_content_type.model_class()
        if (
            model is not None
            and not issubclass(model, Page)
            and not works_in(request.user, translation.target_locale.language_code)
        ):
            raise PermissionDenied
        return view(request, translation_id, *args, **kwargs)

    return guarded


def _translated_object(translation):
    try:
        obj = translation.source.get_translated_instance(translation.target_locale)
    except Exception as error:  # the translation was never made
        raise Http404 from error
    return getattr(obj, "specific", obj)


def _editor_url(obj):
    return AdminURLFinder().get_edit_url(obj) or "/"


@require_POST
def submit_for_review(request, translation_id):
    """The translator's "Submit for review" in the translation editor."""
    translation = get_object_or_404(Translation, id=translation_id, enabled=True)
    obj = _translated_object(translation)
    try:
        translation_review.submit_for_review(request.user, obj)
    except ReviewRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("“%(title)s” is submitted to the %(language)s reviewers.")
            % {"title": obj, "language": obj.locale.get_display_name()},
        )
    return redirect(_editor_url(obj))


@require_POST
def approve(request, translation_id):
    """A reviewer's "Approve and publish" in the translation editor: the strings as they are
    now (with any corrections the reviewer made) are what goes live."""
    translation = get_object_or_404(Translation, id=translation_id, enabled=True)
    obj = _translated_object(translation)
    response = publish_under_review(request, obj)
    if response is None:
        messages.error(request, _("This translation is not waiting for review."))
        return redirect(_editor_url(obj))
    return response


@require_POST
def bring_up_to_date(request, translation_id):
    """The translator's "Update from the source": this language only, saved as a draft."""
    translation = get_object_or_404(Translation, id=translation_id, enabled=True)
    obj = _translated_object(translation)
    try:
        translation_review.bring_up_to_date(request.user, obj)
    except ReviewRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _(
                "“%(title)s” now follows the current source. New strings show the source's "
                "words until you translate them; submit it for review when it is done."
            )
            % {"title": obj},
        )
    return redirect(_editor_url(obj))


def publish_under_review(request, obj):
    """A reviewer's "Publish" in the translation editor while the translation is under
    review approves that review with the strings as they are now (None: not under review)."""
    state = translation_review.workflow_state(obj)
    if state is None or state.current_task_state is None:
        return None
    if not may_publish(request.user, obj):
        raise PermissionDenied
    translation = translation_review.translation_of(obj)
    try:
        translation_review.save_draft(request.user, translation, obj)
    except ReviewRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_editor_url(obj))
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, request.user, "approve")
    messages.success(
        request,
        _("“%(title)s” is approved and published in %(language)s.")
        % {"title": obj, "language": obj.locale.get_display_name()},
    )
    return redirect(_editor_url(obj))


def urlpatterns():
    """Registered before wagtail-localize's own admin URLs, under the same paths."""
    guarded = {
        "translate/<int:translation_id>/strings/<int:string_segment_id>/edit/": (
            edit_translation.edit_string_translation
        ),
        "translate/<int:translation_id>/overrides/<int:overridable_segment_id>/edit/": (
            edit_translation.edit_override
        ),
        "translate/<int:translation_id>/pofile/download/": edit_translation.download_pofile,
        "translate/<int:translation_id>/pofile/upload/": edit_translation.upload_pofile,
        "translate/<int:translation_id>/machine_translate/": edit_translation.machine_translate,
        "translate/<int:translation_id>/preview/": edit_translation.preview_translation,
        "translate/<int:translation_id>/preview/<str:mode>/": edit_translation.preview_translation,
        "translate/<int:translation_id>/disable/": edit_translation.stop_translation,
    }
    return [
        path(
            "localize/page/<int:page_id>/convert_to_alias/",
            convert_to_alias,
            name="waymark_convert_to_alias",
        ),
        path(
            "localize/submit/page/<int:page_id>/",
            SubmitPageTranslationView.as_view(),
            name="waymark_submit_page_translation",
        ),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            SubmitSnippetTranslationView.as_view(),
            name="waymark_submit_snippet_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            UpdateTranslationsView.as_view(),
            name="waymark_update_translations",
        ),
        *(
            path(f"localize/{route}", in_translators_language(view))
            for route, view in guarded.items()
        ),
        path(
            "translations/<int:translation_id>/submit/",
            submit_for_review,
            name="waymark_submit_translation_for_review",
        ),
        path(
            "translations/<int:translation_id>/approve/",
            approve,
            name="waymark_approve_translation",
        ),
        path(
            "translations/<int:translation_id>/update/",
            bring_up_to_date,
            name="waymark_bring_translation_up_to_date",
        ),
    ]
