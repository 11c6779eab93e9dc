"""The review bar of wagtail-localize's translation editor: where this translation stands in
its language's review, and the next step for the person looking (editorial.localize)."""

import json

from django import template
from django.contrib.admin.utils import quote
from django.urls import reverse
from wagtail.models import Page, TaskState

from cms.freshness import is_outdated

from .. import translation_review

register = template.Library()


def _reject_url(obj, task_state):
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:workflow_action", args=[obj.pk, "reject", task_state.pk])
    viewset = obj.snippet_viewset
    return reverse(
        viewset.get_url_name("workflow_action"), args=[quote(obj.pk), "reject", task_state.pk]
    )


@register.inclusion_tag("editorial/translation_review_bar.html", takes_context=True)
def translation_review_bar(context, translation, instance):
    user = context["request"].user
    obj = getattr(instance, "specific", instance)
    state = translation_review.workflow_state(obj)
    task_state = state.current_task_state if state is not None else None
    requested_changes = None
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        requested_changes = (
            TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_REJECTED)
            .select_related("finished_by")
            .order_by("-finished_at")
            .first()
        )
    source = translation.source.get_source_instance()
    synced = translation.destination_last_updated_at
    outdated = is_outdated(
        getattr(source, "last_published_at", None), synced, getattr(obj, "last_published_at", None)
    )
    can_translate = translation_review.works_in(user, obj.locale.language_code)
    can_review = translation_review.may_publish(user, obj)
    in_review = state is not None and state.status == state.STATUS_IN_PROGRESS
    strings_left = translation_review.strings_left(translation)
    return {
        "translation": translation,
        "language": obj.locale.get_display_name(),
        "strings_left": strings_left,
        "state": state,
        "in_review": in_review,
        "requested_changes": requested_changes,
        "outdated": outdated,
        "can_submit": can_translate and not in_review and not strings_left,
        "can_update": can_translate and outdated,
        "can_approve": can_review and in_review,
        "reject_url": _reject_url(obj, task_state) if can_review and in_review else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def reviewed_editor_props(context, props, instance):
    """The translation editor's settings, without the actions that would change what readers
    see (publish, convert to an alias of the source) for someone who may not."""
    data = json.loads(props)
    user = context["request"].user
    if not translation_review.may_publish(user, getattr(instance, "specific", instance)):
        data["perms"]["canPublish"] = False
        data["perms"]["canUnpublish"] = False
        data["links"]["convertToAliasUrl"] = None
    return json.dumps(data)
