"""The directory's high-risk facts in staff's words: which phone, which field, which category.

Services name their facts themselves (`Service.high_risk_facts`); the generic
comparison, panel and record (cms.highrisk, editorial.highrisk) put the stored
keys into words through the labellers registered here, from ServicesConfig.ready().
"""

from django.core.exceptions import FieldDoesNotExist

from .models import Category, Location, Service, ServicePhone

CONTACT_FIELDS = {"website": "url", "email": "email"}


def _verbose_name(name):
    try:
        return Service._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a field removed since the change was recorded
        return name


def where_label(what, where):
    """A reporting service's field, a service's website or e-mail, a phone's kind."""
    if what == "field":
        return _verbose_name(where)
    if what == "address":
        return Location._meta.verbose_name
    if where in CONTACT_FIELDS:
        return _verbose_name(CONTACT_FIELDS[where])
    kinds = dict(ServicePhone.Kind.choices)
    return kinds.get(where)


def value_label(what, value):
    """A category's name, for "services listed" and a reporting service's categories."""
    if what in ("category", "field") and value in Category.Code.values:
        return Category.Code(value).label
    return None


def register():
    from cms.highrisk import register_labels

    register_labels(
        where=where_label, value=value_label, phone_kinds=dict(ServicePhone.Kind.choices)
    )
