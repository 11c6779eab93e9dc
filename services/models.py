"""Support-services directory, aligned with Open Referral HSDS 3.0.

A service is a translatable snippet. Its words (name, description,
eligibility, how to apply, fees, alert) are translated through
wagtail-localize; everything structural (phones, opening hours, locations,
categories, attributes, languages spoken, status, verification) belongs to the
service in the source language (English) and is read from there for every
language, so it is edited once and a changed phone number reaches every
reader at once.
"""

import uuid
from urllib.parse import quote

from django import forms
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import (
    AbstractGroupApprovalTask,
    DraftStateMixin,
    Locale,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from cms import languages
from cms.fields import WebAddressField
from cms.highrisk import Fact, HighRiskPanel, fact_text
from cms.models import ReviewSchedule, Source
from cms.phones import display_phone, normalize_phone, phone_href

from .forms import ServiceForm
from .hours import validate_span
from .languages import language_choices


class Category(models.Model):
    """A kind of help readers filter by (HSDS taxonomy term); a fixed, translated list."""

    class Code(models.TextChoices):
        HEALTH = "health", _("Health")
        LEGAL = "legal", _("Legal help")
        HOUSING = "housing", _("Housing and shelter")
        EXIT_SUPPORT = "exit-support", _("Exit support")
        TRAFFICKING = "trafficking", _("Trafficking")
        LGBTQ = "lgbtq", _("LGBTQ+")
        MINORS = "minors", _("Children and young people")
        REPORTING = "reporting", _("Reporting")

    code = models.SlugField(_("code"), max_length=40, unique=True, choices=Code.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        """The category's name in the active language."""
        return Category.Code(self.code).label


class Organization(index.Indexed, models.Model):
    """Who provides a service (HSDS organization); a proper name, the same in every language."""

    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = WebAddressField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("website"),
        FieldPanel("email"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    def high_risk_facts(self):
        """Its website and e-mail: saved live, so a change is recorded as it is saved."""
        return {
            "url": Fact("url", "website", self.website or ""),
            "email": Fact("email", "email", self.email or ""),
        }


class Location(index.Indexed, models.Model):
    """Where a service is delivered (HSDS location with its physical address)."""

    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
    )
    address_1 = models.CharField(_("street address"), max_length=200)
    address_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state_province = models.CharField(_("state"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="US", help_text=_("ISO 3166-1 code, e.g. US.")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("organization"),
        FieldPanel("address_1"),
        FieldPanel("address_2"),
        FieldRowPanel([FieldPanel("city"), FieldPanel("state_province")]),
        FieldRowPanel([FieldPanel("postal_code"), FieldPanel("country")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Map")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("address_1"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return f"{self.name}, {self.address_1}"

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def high_risk_facts(self):
        """Where readers go (the address, and the map point directions lead to): saved live,
        so a change is recorded as it is saved."""
        place = self.one_line
        if self.latitude is not None and self.longitude is not None:
            place += f" ({self.latitude}, {self.longitude})"
        return {"address": Fact("address", "location", place)}

    @property
    def one_line(self):
        """The address on one line, as a map app wants it."""
        parts = [
            self.address_1,
            self.address_2,
            self.city,
            f"{self.state_province} {self.postal_code}",
        ]
        return ", ".join(part.strip() for part in parts if part and part.strip())

    @property
    def directions_url(self):
        """A link that opens directions in the reader's own map app (geo: URI, RFC 5870)."""
        if self.latitude is not None and self.longitude is not None:
            return f"geo:{self.latitude},{self.longitude}?q={quote(self.one_line)}"
        return f"geo:0,0?q={quote(self.one_line)}"


# Languages services can be written in. The same as settings.LANGUAGES (a system check,
# services.checks, says so when they differ), but written out: each gives a permission in
# Service.Meta, and so in migrations, which must not change with the environment.
SERVICE_LANGUAGES = ["en", "es", "pt", "ht", "ar"]

# A service's words: translated per language through wagtail-localize, in the order
# they are written out (the directory, HSDS exports and imports all use this list).
TRANSLATED_FIELDS = (
    "name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "alert",
)
# Its structure: shared by every language, edited once on the source-language service.
SHARED_FIELDS = (
    "slug",
    "organization",
    "status",
    "url",
    "email",
    "minimum_age",
    "maximum_age",
    "free",
    "confidential",
    "no_police",
    "police",
    "walk_in",
    "anonymous_testing",
    "always_open",
    "assured_date",
    "assurer",
    "review_interval_days",
    "phones",
    "opening_hours",
    "exceptions",
    "service_locations",
    "languages",
    "sources",
)
# Besides its words, what a reporting service says that readers act on: any change to
# these is a high-risk change.
REPORTING_FIELDS = (
    "status",
    "organization",
    "free",
    "confidential",
    "no_police",
    "police",
    "walk_in",
    "anonymous_testing",
    "always_open",
    "minimum_age",
    "maximum_age",
)


def can_edit_language(user, language_code):
    """Whether the user may edit services written in this language."""
    return user.is_superuser or user.has_perm(f"services.edit_{language_code}")


class ServiceQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Queries readers' pages make: live services in the source language."""

    def sources(self):
        """The services as written in the source language, which hold the structure."""
        return self.filter(locale__language_code=languages.source())

    def listed(self):
        """What the directory lists: live and not defunct."""
        return self.sources().filter(live=True).exclude(status=Service.Status.DEFUNCT)


class Service(
    ReviewSchedule,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    ClusterableModel,
):
    """One kind of help a reader can get: what it is, who it is for, how to reach it, when."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Closed for good")

    default_review_interval_days = 90

    # Words: translated per language.
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it offers"))
    eligibility_description = models.TextField(
        _("who it is for"), blank=True, help_text=_("Who can use it, e.g. 'Anyone 16 or older.'")
    )
    application_process = models.TextField(
        _("how to get it"), blank=True, help_text=_("e.g. 'Walk in, no appointment needed.'")
    )
    fees_description = models.TextField(_("cost"), blank=True)
    alert = models.CharField(
        _("alert"),
        max_length=300,
        blank=True,
        help_text=_("A short-term notice shown first, e.g. 'Closed for repairs until 3 March.'"),
    )

    # Structure: shared by every language, edited once in the source language.
    slug = models.SlugField(
        _("slug"), max_length=100, help_text=_("The last part of the service's web address.")
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    url = WebAddressField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    categories = ParentalManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="services"
    )
    free = models.BooleanField(_("free"), default=False)
    confidential = models.BooleanField(_("confidential"), default=False)
    no_police = models.BooleanField(
        _("no police involvement"),
        default=False,
        help_text=_("Using this service never involves the police or immigration enforcement."),
    )
    police = models.BooleanField(
        _("this is the police"),
        default=False,
        help_text=_(
            "The police run it, or it passes what readers say to the police. "
            "Readers are told before they call."
        ),
    )
    walk_in = models.BooleanField(_("walk-in, no appointment"), default=False)
    anonymous_testing = models.BooleanField(_("anonymous testing"), default=False)
    always_open = models.BooleanField(
        _("open 24 hours, every day"),
        default=False,
        help_text=_("For hotlines: ignore the weekly hours below."),
    )
    assured_date = models.DateField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_("When someone last checked these details with the service. Empty: never."),
    )
    assurer = models.CharField(
        _("verified by"), max_length=200, blank=True, help_text=_("Name or e-mail address.")
    )
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the default (90 days)."),
    )

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="service")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="service",
        for_concrete_model=False,
    )

    objects = ServiceQuerySet.as_manager()

    translatable_fields = [
        *(TranslatableField(name) for name in TRANSLATED_FIELDS),
        *(SynchronizedField(name, overridable=False) for name in SHARED_FIELDS),
    ]

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("description"),
        index.SearchField("eligibility_description"),
        index.AutocompleteField("name"),
        index.FilterField("locale_id"),
        index.FilterField("live"),
        index.FilterField("status"),
        index.RelatedFields("organization", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        unique_together = [("translation_key", "locale")]
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "slug"], name="unique_service_slug_per_locale"
            )
        ]
        # Who may edit (or approve) services in each language: the roles give
        # editors English, and translators and reviewers of a language that language.
        permissions = [
            (f"edit_{code}", f"Can edit services in {code}") for code in SERVICE_LANGUAGES
        ]

    def __str__(self):
        return self.name

    # -- editing -------------------------------------------------------------

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    HighRiskPanel(),
                    FieldPanel("name"),
                    FieldPanel("slug"),
                    FieldPanel("organization"),
                    FieldPanel("status"),
                    FieldPanel("alert"),
                    FieldPanel("description"),
                    FieldPanel("eligibility_description"),
                    FieldRowPanel([FieldPanel("minimum_age"), FieldPanel("maximum_age")]),
                    FieldPanel("application_process"),
                    FieldPanel("fees_description"),
                ],
                heading=_("About"),
            ),
            ObjectList(
                [
                    InlinePanel("phones", heading=_("Phones and text lines"), label=_("Phone")),
                    FieldPanel("url"),
                    FieldPanel("email"),
                    InlinePanel("service_locations", heading=_("Locations"), label=_("Location")),
                ],
                heading=_("Contact"),
            ),
            ObjectList(
                [
                    FieldPanel("always_open"),
                    InlinePanel("opening_hours", heading=_("Weekly hours"), label=_("Hours")),
                    InlinePanel(
                        "exceptions", heading=_("Holidays and other exceptions"), label=_("Date")
                    ),
                ],
                heading=_("Hours"),
            ),
            ObjectList(
                [
                    FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                    MultiFieldPanel(
                        [
                            FieldPanel("free"),
                            FieldPanel("confidential"),
                            FieldPanel("no_police"),
                            FieldPanel("police"),
                            FieldPanel("walk_in"),
                            FieldPanel("anonymous_testing"),
                        ],
                        heading=_("What readers can count on"),
                    ),
                    InlinePanel("languages", heading=_("Languages spoken"), label=_("Language")),
                ],
                heading=_("Filters"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("assured_date"), FieldPanel("assurer")]),
                    FieldPanel("review_interval_days"),
                    InlinePanel("sources", heading=_("Sources"), label=_("Source")),
                ],
                heading=_("Verification"),
            ),
        ],
        base_form_class=ServiceForm,
    )

    def clean(self):
        super().clean()
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValidationError({"maximum_age": _("The maximum age is below the minimum age.")})
        if self.no_police and self.police:
            raise ValidationError(
                {"police": _("A service cannot be the police and have no police involvement.")}
            )
        if self.assured_date and self.assured_date > timezone.localdate():
            raise ValidationError(
                {"assured_date": _("A verification date cannot be in the future.")}
            )
        default = Locale.get_default()
        if (
            self.locale_id
            and self.locale_id != default.pk
            and not Service.objects.filter(
                translation_key=self.translation_key, locale=default
            ).exists()
        ):
            raise ValidationError(
                _(
                    "Create the service in %(language)s first, then translate it: "
                    "phones, hours and addresses are kept on the %(language)s version."
                )
                % {"language": default.get_display_name()}
            )

    # -- reading -------------------------------------------------------------

    @property
    def is_source(self):
        """Whether this row is the source-language service that holds the structure."""
        return self.locale.language_code == languages.source()

    @cached_property
    def structure(self):
        """The source-language service whose phones, hours and places apply to this one."""
        if self.is_source:
            return self
        return (
            Service.objects.filter(translation_key=self.translation_key).sources().first() or self
        )

    @property
    def reviewed_on(self):
        """The last verification, which the review schedule counts from (None: never)."""
        return self.assured_date

    @property
    def is_reporting(self):
        """Whether readers find this service under "Reporting" (decided on its source row)."""
        return any(
            category.code == Category.Code.REPORTING for category in self.structure.categories.all()
        )

    def high_risk_facts(self):
        """A source service's phones, keywords, website and e-mail; every field of a reporting
        one (cms.highrisk compares them between the live version and a draft)."""
        facts = {}
        if self.is_source:
            for phone in self.phones.all():
                key = f"phone.{phone.hsds_id}"
                number = phone.display + (f" ext. {phone.extension}" if phone.extension else "")
                facts[key] = Fact("phone", phone.kind, f"{phone.kind}: {number}")
                if phone.sms_keyword:
                    facts[f"{key}.keyword"] = Fact("keyword", phone.kind, phone.sms_keyword)
            if self.url:
                facts["url"] = Fact("url", "website", self.url)
            if self.email:
                facts["email"] = Fact("email", "email", self.email)
        if self.is_reporting:
            for name in [*TRANSLATED_FIELDS, *REPORTING_FIELDS]:
                facts[f"field.{name}"] = Fact("field", name, fact_text(getattr(self, name)))
            facts["field.reporting"] = Fact("field", "categories", "reporting")
        return facts

    def get_preview_template(self, request, mode_name):
        return "services/service_detail.html"

    def get_preview_context(self, request, mode_name):
        return directory.service_detail_context(self, request, preview=True)


class ServicePhone(Orderable):
    """A number to call or text (HSDS phone), stored in E.164, shown in national format."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("Call")
        HOTLINE = "hotline", _("Hotline")
        TEXT = "text", _("Text (SMS)")
        FAX = "fax", _("Fax")

    service = ParentalKey(Service, related_name="phones", on_delete=models.CASCADE)
    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOICE)
    number = models.CharField(
        _("number"),
        max_length=32,
        help_text=_("e.g. (203) 854-3011, +1 888 373 7888 or a short code such as 847411."),
    )
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    sms_keyword = models.CharField(
        _("text keyword"),
        max_length=60,
        blank=True,
        help_text=_("Pre-filled in the reader's text message, e.g. NORWALKPD."),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("number"), FieldPanel("extension")]),
        FieldPanel("sms_keyword"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("phone")

    def __str__(self):
        return self.display

    def clean(self):
        errors = {}
        try:
            self.number = normalize_phone(self.number)
        except ValidationError as exc:
            errors["number"] = exc
        if self.extension and not self.extension.isdigit():
            errors["extension"] = _("An extension is digits only.")
        if self.sms_keyword and self.kind != self.Kind.TEXT:
            errors["sms_keyword"] = _("A keyword only makes sense for a text line.")
        if errors:
            raise ValidationError(errors)

    @property
    def display(self):
        """The number as readers write it."""
        return display_phone(self.number)

    @property
    def href(self):
        """One tap: tel: to call, sms: with the keyword pre-filled to text."""
        if self.kind == self.Kind.FAX:
            return ""
        return phone_href(
            self.number,
            text=self.kind == self.Kind.TEXT,
            keyword=self.sms_keyword,
            extension=self.extension,
        )


class OpeningHours(Orderable):
    """One weekly opening (HSDS schedule): a weekday, opening and closing times, validity dates."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    service = ParentalKey(Service, related_name="opening_hours", on_delete=models.CASCADE)
    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    closes_next_day = models.BooleanField(
        _("closes after midnight"),
        default=False,
        help_text=_("Tick when it stays open past midnight, e.g. 22:00 to 02:00."),
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("closes_next_day"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self):
        errors = validate_span(self.opens_at, self.closes_at, self.closes_next_day)
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)


class ScheduleException(Orderable):
    """A dated change to the weekly hours: closed for a holiday, or different hours that day."""

    service = ParentalKey(Service, related_name="exceptions", on_delete=models.CASCADE)
    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    closes_next_day = models.BooleanField(_("closes after midnight"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("closed")]),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("closes_next_day"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("exception")

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"

    def clean(self):
        if self.closed:
            if self.opens_at or self.closes_at:
                raise ValidationError(
                    {"closed": _("Untick 'closed all day' to give special hours for this date.")}
                )
            return
        if self.opens_at is None or self.closes_at is None:
            raise ValidationError(_("Give the opening and closing times for this date."))
        errors = validate_span(self.opens_at, self.closes_at, self.closes_next_day)
        if errors:
            raise ValidationError(errors)


class ServiceLocation(Orderable):
    """Where a service is delivered (HSDS service_at_location)."""

    service = ParentalKey(Service, related_name="service_locations", on_delete=models.CASCADE)
    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("location")]

    class Meta(Orderable.Meta):
        verbose_name = _("location")


class ServiceLanguage(Orderable):
    """A language spoken by the service's staff (HSDS language, ISO 639 code)."""

    service = ParentalKey(Service, related_name="languages", on_delete=models.CASCADE)
    hsds_id = models.UUIDField(default=uuid.uuid4, editable=False)
    code = models.CharField(_("language"), max_length=3, choices=language_choices)

    panels = [FieldPanel("code")]

    class Meta(Orderable.Meta):
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")

    def __str__(self):
        return self.code


class ServiceSource(Orderable, Source):
    """One source of a service's details (shared by every language)."""

    service = ParentalKey(Service, related_name="sources", on_delete=models.CASCADE)

    class Meta(Orderable.Meta):
        verbose_name = _("source")


class ServiceReviewTask(AbstractGroupApprovalTask):
    """Approval of a service by a member of the task's groups who works in the service's language.

    One workflow covers services in every language: the English reviewers
    approve English services, the Spanish reviewers Spanish translations, and so on.
    """

    def _may_approve(self, obj, user):
        if user.is_superuser:
            return True
        language = obj.locale.language_code if getattr(obj, "locale_id", None) else None
        return self._user_in_groups(user) and (
            language is None or can_edit_language(user, language)
        )

    def user_can_access_editor(self, obj, user):
        return self._may_approve(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_approve(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_approve(obj, user)

    def get_actions(self, obj, user):
        if self._may_approve(obj, user):
            return super().get_actions(obj, user)
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser:
            return states
        languages = [code for code in SERVICE_LANGUAGES if can_edit_language(user, code)]
        ids = Service.objects.filter(locale__language_code__in=languages).values_list(
            "pk", flat=True
        )
        return states.filter(workflow_state__object_id__in=[str(pk) for pk in ids])

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve services in the languages they work in")

    class Meta:
        verbose_name = _("service review task")
        verbose_name_plural = _("service review tasks")


# Last: what readers see of services (directory.py) reads the models above, and the
# directory page type (pages.py) is served by it; importing them here lets Django find the
# page type among this app's models (services.pages says more).
from . import directory, pages  # noqa: E402, F401
