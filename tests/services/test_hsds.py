"""HSDS 3.0 export and import: valid output, exact round trips, idempotence, all or nothing."""

import datetime
import json
import shutil
import uuid
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from jsonschema import Draft202012Validator, FormatChecker
from wagtail.models import Locale, Revision
from wagtail_localize.models import StringSegment, TranslationSource
from wagtail_localize.strings import StringValue

from cms.translating import translate_object
from services.hsds import tabular
from services.models import (
    Category,
    Location,
    OpeningHours,
    Organization,
    ScheduleException,
    Service,
    ServiceLanguage,
    ServiceLocation,
    ServicePhone,
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

HSDS = Path("/work/shared/hsds")
SERVICE_LIST_SCHEMA = HSDS / "schema" / "compiled" / "service_list.json"
FULL_SERVICE_SCHEMA = HSDS / "schema" / "compiled" / "service_with_definitions.json"
OPENAPI = HSDS / "schema" / "openapi.json"
TIME = datetime.time

DESCRIPTION = (
    "Free, confidential counselling. We listen first.\n\n"
    "Second paragraph: bring nothing & no ID. <Walk-ins> welcome!\n"
    "A last line."
)
SPANISH_DESCRIPTION = (
    "Consejería gratuita y confidencial. Primero escuchamos.\n\n"
    "Segundo párrafo: no traiga nada y sin identificación. ¡<Sin cita> bienvenidos!\n"
    "Una última línea."
)


# -- building services -------------------------------------------------------------


def english():
    return Locale.objects.get(language_code="en")


def clear_directory():
    """Start from an empty directory, whatever the demo holds."""
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()


def publish(service):
    service.save()
    service.save_revision().publish()
    return Service.objects.get(pk=service.pk)


def translate_to_spanish(service, words, django_capture_on_commit_callbacks):
    catalogue = {
        StringValue.from_plaintext(getattr(service, field)).data: StringValue.from_plaintext(
            text
        ).data
        for field, text in words.items()
    }
    spanish, _created = Locale.objects.get_or_create(language_code="es")
    with django_capture_on_commit_callbacks(execute=True):
        return translate_object(service, spanish, catalogue)


def build_directory(django_capture_on_commit_callbacks):
    """Three services using every field Waymark exchanges, one translated into Spanish."""
    clear_directory()
    clinic = Organization.objects.create(
        name="Norwalk Health Collective",
        description="A community clinic.",
        website="https://clinic.example.org/",
        email="hello@clinic.example.org",
    )
    helpline = Organization.objects.create(name="Safe Line")  # no description, website, e-mail
    main_street = Location.objects.create(
        name="Main Street Clinic",
        organization=clinic,
        address_1="12 Main St",
        address_2="Suite 4",
        city="Norwalk",
        state_province="CT",
        postal_code="06850",
        country="US",
        latitude=Decimal("41.117744"),
        longitude=Decimal("-73.408157"),
    )
    back_office = Location.objects.create(
        name="Back office",
        organization=clinic,
        address_1="1 Wall St",
        city="Norwalk",
        state_province="CT",
    )

    counselling = Service(
        locale=english(),
        name="Community counselling",
        slug="community-counselling",
        description=DESCRIPTION,
        eligibility_description="Anyone 16 or older.",
        application_process="Walk in, no appointment needed.",
        fees_description="Free of charge.",
        alert="Closed for repairs until 3 March.",
        organization=clinic,
        status=Service.Status.ACTIVE,
        url="https://clinic.example.org/counselling",
        email="counselling@clinic.example.org",
        minimum_age=16,
        maximum_age=99,
        free=True,
        confidential=True,
        no_police=True,
        walk_in=True,
        anonymous_testing=True,
        always_open=False,
        assured_date=datetime.date(2026, 1, 15),
        assurer="verifier@example.org",
    )
    counselling.categories = list(Category.objects.all())
    counselling.phones = [
        ServicePhone(kind="voice", number="+12038543011", extension="12"),
        ServicePhone(kind="hotline", number="+18883737888"),
        ServicePhone(kind="text", number="847411", sms_keyword="NORWALKPD"),
        ServicePhone(kind="fax", number="+12038547700"),
    ]
    counselling.opening_hours = [
        OpeningHours(weekday=0, opens_at=TIME(9), closes_at=TIME(17)),
        OpeningHours(
            weekday=4,
            opens_at=TIME(22),
            closes_at=TIME(2),
            closes_next_day=True,
            valid_from=datetime.date(2026, 1, 1),
            valid_to=datetime.date(2026, 12, 31),
        ),
        OpeningHours(weekday=6, opens_at=TIME(0), closes_at=TIME(0), closes_next_day=True),
    ]
    counselling.exceptions = [
        ScheduleException(date=datetime.date(2026, 12, 25), closed=True),
        ScheduleException(
            date=datetime.date(2026, 12, 31),
            closed=False,
            opens_at=TIME(20),
            closes_at=TIME(1),
            closes_next_day=True,
        ),
    ]
    counselling.service_locations = [
        ServiceLocation(location=main_street),
        ServiceLocation(location=back_office),
    ]
    counselling.languages = [ServiceLanguage(code="en"), ServiceLanguage(code="es")]
    counselling = publish(counselling)

    hotline = Service(
        locale=english(),
        name="Trafficking hotline",
        slug="trafficking-hotline",
        description="Call any time.",
        organization=helpline,
        status=Service.Status.TEMPORARILY_CLOSED,
        always_open=True,
        police=True,
        assured_date=datetime.date(2025, 6, 1),
        assurer="Maria Lopez",  # not an e-mail address: an attribute
    )
    hotline.categories = [Category.objects.get(code="trafficking")]
    hotline.phones = [ServicePhone(kind="hotline", number="+18883737888")]
    hotline.languages = [ServiceLanguage(code="ase")]
    hotline = publish(hotline)

    bare = Service(locale=english(), name="Drop-in", slug="drop-in", description="Just come.")
    bare = publish(bare)

    translate_to_spanish(
        counselling,
        {
            "name": "Consejería comunitaria",
            "description": SPANISH_DESCRIPTION,
            "eligibility_description": "Cualquier persona de 16 años o más.",
            "application_process": "Venga sin cita.",
            "fees_description": "Gratis.",
            "alert": "Cerrado por reparaciones hasta el 3 de marzo.",
        },
        django_capture_on_commit_callbacks,
    )
    return counselling, hotline, bare


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_hsds(path, *options, django_capture_on_commit_callbacks=None):
    if django_capture_on_commit_callbacks is None:
        return run("import_hsds", str(path), *options)
    with django_capture_on_commit_callbacks(execute=True):
        return run("import_hsds", str(path), *options)


def export_bytes(path):
    run("export_hsds", str(path))
    if path.suffix == ".json":
        return path.read_bytes()
    return {file.name: file.read_bytes() for file in sorted(path.iterdir())}


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def revision_marks():
    """What any write to a service or its translation source would change."""
    services = sorted(
        (
            service.pk,
            service.latest_revision_id,
            service.latest_revision.created_at if service.latest_revision_id else None,
            service.last_published_at,
            service.live,
            service.has_unpublished_changes,
        )
        for service in Service.objects.select_related("latest_revision")
    )
    sources = sorted(TranslationSource.objects.values_list("pk", "last_updated_at"))
    return services, sources, Revision.objects.count()


# -- export ------------------------------------------------------------------------


def test_json_export_is_a_valid_hsds_page(tmp_path, django_capture_on_commit_callbacks):
    build_directory(django_capture_on_commit_callbacks)
    path = tmp_path / "services.json"
    out, _err = run("export_hsds", str(path))
    assert "Exported 3 service(s)" in out
    page = json.loads(path.read_text())

    page_schema = json.loads(OPENAPI.read_text())["components"]["schemas"]["Page"]
    Draft202012Validator(page_schema).validate(page)
    assert page["total_items"] == page["size"] == 3 and page["empty"] is False
    for schema_path in (SERVICE_LIST_SCHEMA, FULL_SERVICE_SCHEMA):
        validator = Draft202012Validator(
            json.loads(schema_path.read_text()), format_checker=FormatChecker()
        )
        for record in page["contents"]:
            errors = [error.message for error in validator.iter_errors(record)]
            assert errors == [], (schema_path.name, record["name"], errors)
    # The whole page validates too: contents are items of service_list.json.
    list_schema = {
        "allOf": [page_schema],
        "properties": {
            "contents": {"type": "array", "items": json.loads(SERVICE_LIST_SCHEMA.read_text())}
        },
    }
    Draft202012Validator(list_schema, format_checker=FormatChecker()).validate(page)

    counselling = next(r for r in page["contents"] if r["name"] == "Community counselling")
    assert [phone["number"] for phone in counselling["phones"]] == [
        "+12038543011",
        "+18883737888",
        "847411",
        "+12038547700",
    ]
    assert counselling["phones"][0]["extension"] == 12
    hotline_codes = [a["taxonomy_term"]["code"] for a in counselling["phones"][1]["attributes"]]
    assert hotline_codes == ["hotline"]
    assert counselling["phones"][2]["attributes"][0]["value"] == "NORWALKPD"
    overnight = next(s for s in counselling["schedules"] if s.get("byday") == "FR")
    assert (overnight["opens_at"], overnight["closes_at"]) == ("22:00", "02:00")
    assert counselling["waymark_translations"]["es"]["description"] == SPANISH_DESCRIPTION
    assert counselling["assurer_email"] == "verifier@example.org"
    taxonomies = {a["taxonomy_term"]["taxonomy"] for a in counselling["attributes"]}
    assert taxonomies == {"waymark-category", "waymark-attribute"}


def test_export_is_deterministic_and_leaves_out_drafts(
    tmp_path, django_capture_on_commit_callbacks
):
    _counselling, _hotline, bare = build_directory(django_capture_on_commit_callbacks)
    first = export_bytes(tmp_path / "a.json")
    assert first == export_bytes(tmp_path / "b.json")
    bare.name = "Drop-in (draft name)"
    bare.save_revision()
    assert export_bytes(tmp_path / "c.json") == first
    run("export_hsds", str(tmp_path / "d.json"), "--include-drafts")
    assert b"Drop-in (draft name)" in (tmp_path / "d.json").read_bytes()


def test_tabular_export_uses_the_hsds_columns(tmp_path, django_capture_on_commit_callbacks):
    build_directory(django_capture_on_commit_callbacks)
    directory = tmp_path / "csv"
    run("export_hsds", str(directory))
    written = {file.name for file in directory.iterdir()}
    assert written == {
        "services.csv",
        "organizations.csv",
        "locations.csv",
        "addresses.csv",
        "phones.csv",
        "schedules.csv",
        "service_at_location.csv",
        "languages.csv",
        "attributes.csv",
        "taxonomy_terms.csv",
        "waymark_translations.csv",
        "datapackage.json",
    }
    official = HSDS / "examples" / "csv"
    for name in written - {"waymark_translations.csv", "datapackage.json"}:
        header = (directory / name).read_text().splitlines()[0]
        assert header == (official / name).read_text().splitlines()[0], name
    assert (
        (directory / "waymark_translations.csv")
        .read_text()
        .startswith("service_id,language,field,value")
    )
    package = json.loads((directory / "datapackage.json").read_text())
    services = next(r for r in package["resources"] if r["path"] == "services.csv")
    assert [field["name"] for field in services["schema"]["fields"]] == tabular.columns("service")


# -- round trips -------------------------------------------------------------------


@pytest.mark.parametrize("form", ["services.json", "csv"])
def test_round_trip_gives_the_same_file(tmp_path, form, django_capture_on_commit_callbacks):
    build_directory(django_capture_on_commit_callbacks)
    first = export_bytes(tmp_path / "first" / form if form == "csv" else tmp_path / form)
    source = tmp_path / "first" / form if form == "csv" else tmp_path / form
    clear_directory()
    assert not Service.objects.exists()

    out, _err = import_hsds(
        source, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "services: 3 created, 0 updated, 0 unchanged" in out
    assert "translations: 1 created" in out
    second_path = tmp_path / "second" / form if form == "csv" else tmp_path / f"again-{form}"
    assert export_bytes(second_path) == first

    spanish = Service.objects.get(locale__language_code="es")
    assert spanish.live
    assert spanish.name == "Consejería comunitaria"
    assert spanish.description == SPANISH_DESCRIPTION
    english_row = Service.objects.get(translation_key=spanish.translation_key, locale=english())
    assert english_row.description == DESCRIPTION
    assert spanish.structure == english_row
    assert next(phone.number for phone in spanish.structure.phones.all()) == "+12038543011"


@pytest.mark.parametrize("form", ["services.json", "csv"])
def test_importing_the_same_file_again_changes_nothing(
    tmp_path, form, django_capture_on_commit_callbacks
):
    build_directory(django_capture_on_commit_callbacks)
    path = tmp_path / form
    first = export_bytes(path)
    revisions = Revision.objects.count()
    marks = revision_marks()
    counts = row_counts()
    updated = {
        model: sorted(str(value) for value in model.objects.values_list("hsds_id", "name"))
        for model in (Organization, Location)
    }

    out, _err = import_hsds(
        path, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "services: 0 created, 0 updated, 3 unchanged" in out
    assert "translations: 0 created, 0 updated, 1 unchanged" in out
    assert Revision.objects.count() == revisions
    assert revision_marks() == marks
    assert row_counts() == counts
    assert updated == {
        model: sorted(str(value) for value in model.objects.values_list("hsds_id", "name"))
        for model in (Organization, Location)
    }
    assert export_bytes(tmp_path / f"again-{form}") == first


def test_a_changed_service_gets_one_new_revision_and_the_others_none(
    tmp_path, django_capture_on_commit_callbacks
):
    counselling, hotline, _bare = build_directory(django_capture_on_commit_callbacks)
    path = tmp_path / "services.json"
    export_bytes(path)
    page = json.loads(path.read_text())
    record = next(r for r in page["contents"] if r["name"] == "Trafficking hotline")
    record["phones"][0]["number"] = "+1 (203) 854-3011"
    record["schedules"] = [
        {
            "id": "48102e86-bb50-41c4-8f1e-e269368c41d1",
            "freq": "WEEKLY",
            "byday": "MO,TU,WE",
            "opens_at": "08:30:00",
            "closes_at": "12:00",
        }
    ]
    path.write_text(json.dumps(page))
    before = {s.pk: s.latest_revision_id for s in Service.objects.all()}

    out, _err = import_hsds(
        path, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "services: 0 created, 1 updated, 2 unchanged" in out
    after = {s.pk: s.latest_revision_id for s in Service.objects.all()}
    assert [pk for pk in after if after[pk] != before[pk]] == [hotline.pk]
    hotline.refresh_from_db()
    assert hotline.live and not hotline.has_unpublished_changes
    assert hotline.phones.get().number == "+12038543011"
    rows = sorted(hotline.opening_hours.all(), key=lambda row: row.weekday)
    assert [(row.weekday, row.opens_at) for row in rows] == [(0, TIME(8, 30))] * 1 + [
        (1, TIME(8, 30)),
        (2, TIME(8, 30)),
    ]
    assert len({row.hsds_id for row in rows}) == 3
    # The same file again: nothing more.
    marks = revision_marks()
    out, _err = import_hsds(
        path, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "services: 0 created, 0 updated, 3 unchanged" in out
    assert revision_marks() == marks
    assert counselling.pk in after


def test_draft_option_saves_changes_as_drafts(tmp_path, django_capture_on_commit_callbacks):
    _counselling, hotline, _bare = build_directory(django_capture_on_commit_callbacks)
    path = tmp_path / "services.json"
    export_bytes(path)
    page = json.loads(path.read_text())
    record = next(r for r in page["contents"] if r["name"] == "Trafficking hotline")
    record["name"] = "Trafficking hotline (new name)"
    path.write_text(json.dumps(page))

    counselling_record = next(r for r in page["contents"] if r["name"] == "Community counselling")
    counselling_record["waymark_translations"]["es"]["name"] = "Otro nombre"
    path.write_text(json.dumps(page))

    out, err = import_hsds(
        path, "--draft", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "services: 0 created, 1 updated, 2 unchanged" in out
    assert "translations: 0 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert "--draft would unpublish them" in err
    hotline.refresh_from_db()
    assert hotline.name == "Trafficking hotline" and hotline.has_unpublished_changes
    assert hotline.get_latest_revision_as_object().name == "Trafficking hotline (new name)"
    spanish = Service.objects.get(locale__language_code="es")
    assert spanish.live and spanish.name == "Consejería comunitaria"
    marks = revision_marks()
    out, _err = import_hsds(
        path, "--draft", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "services: 0 created, 0 updated, 3 unchanged" in out
    assert revision_marks() == marks


def test_dry_run_writes_nothing(tmp_path, django_capture_on_commit_callbacks):
    build_directory(django_capture_on_commit_callbacks)
    path = tmp_path / "services.json"
    export_bytes(path)
    clear_directory()
    counts = row_counts()
    out, _err = import_hsds(path, "--dry-run")
    assert "is valid (dry run" in out
    assert "services: 3 to create, 0 to update, 0 unchanged" in out
    assert row_counts() == counts


def test_a_dry_run_fails_where_the_import_would(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """The dry run takes the import's own path (its writes, rolled back): what would stop the
    import (here, the database refusing a service's revision) stops the dry run too."""
    build_directory(django_capture_on_commit_callbacks)
    path = tmp_path / "services.json"
    export_bytes(path)
    clear_directory()
    counts = row_counts()

    def refused(self, *args, **kwargs):
        raise IntegrityError("the database refused this revision")

    monkeypatch.setattr(Service, "save_revision", refused)
    for options in (["--dry-run"], []):
        with pytest.raises(CommandError, match="rolled back, nothing was written: Integrity"):
            import_hsds(path, *options)
        assert row_counts() == counts


# -- all or nothing ----------------------------------------------------------------


GOOD_ID = "5a3e5c8e-8a43-4c0e-9a53-1d7c6f1e0a01"
BAD_ID = "5a3e5c8e-8a43-4c0e-9a53-1d7c6f1e0a02"
WORSE_ID = "5a3e5c8e-8a43-4c0e-9a53-1d7c6f1e0a03"


def minimal(service_id, name, **extra):
    return {"id": service_id, "name": name, "description": f"{name}.", "status": "active", **extra}


def weekly(schedule_id, byday, opens_at, closes_at, **extra):
    return {
        "id": schedule_id,
        "freq": "WEEKLY",
        "byday": byday,
        "opens_at": opens_at,
        "closes_at": closes_at,
        **extra,
    }


def test_one_bad_record_stops_the_whole_import(tmp_path):
    clear_directory()
    records = [
        minimal(GOOD_ID, "Good service"),
        minimal(
            BAD_ID,
            "Bad service",
            phones=[{"id": "6b1c0c9e-0000-4000-8000-000000000001", "number": "12"}],
            schedules=[
                weekly(
                    "6b1c0c9e-0000-4000-8000-000000000002",
                    "MO",
                    "09:00",
                    "17:00",
                    valid_from="2026-05-01",
                    valid_to="2026-04-01",
                ),
                {
                    "id": "6b1c0c9e-0000-4000-8000-000000000003",
                    "freq": "WEEKLY",
                    "byday": "TU",
                    "opens_at": "09:00",
                },
            ],
        ),
        minimal(
            WORSE_ID,
            "Worse service",
            schedules=[
                weekly("6b1c0c9e-0000-4000-8000-000000000004", "MO,TU", "09:00", "13:00"),
                weekly("6b1c0c9e-0000-4000-8000-000000000005", "TU", "12:00", "15:00"),
                weekly("6b1c0c9e-0000-4000-8000-000000000006", "SU", "22:00", "03:00"),
                weekly("6b1c0c9e-0000-4000-8000-000000000007", "MO", "02:00", "04:00"),
            ],
            languages=[{"id": "6b1c0c9e-0000-4000-8000-000000000008", "code": "xx"}],
            waymark_translations={"de": {"name": "Schlimmer"}},
        ),
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(records))
    counts = row_counts()
    err = StringIO()
    with pytest.raises(CommandError, match=r"(\d+) problem\(s\) in .*nothing was imported"):
        call_command("import_hsds", str(path), stdout=StringIO(), stderr=err)
    assert row_counts() == counts
    lines = err.getvalue().splitlines()
    expected = [
        f"{path}, service {BAD_ID}, phones[0].number: ",
        f"{path}, service {BAD_ID}, schedules[0].valid_to: the end date is before the start date",
        f"{path}, service {BAD_ID}, schedules[1].closes_at: give both opens_at and closes_at",
        f"{path}, service {WORSE_ID}, schedules[1]: overlaps schedules[0] "
        "(TU 09:00–13:00 and TU 12:00–15:00)",
        f"{path}, service {WORSE_ID}, schedules[3]: overlaps schedules[2] "
        "(SU 22:00–03:00 and MO 02:00–04:00)",
        f"{path}, service {WORSE_ID}, languages[0].code: 'xx' is not a known ISO 639",
        f"{path}, service {WORSE_ID}, waymark_translations.de: unknown language 'de'",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert not any(GOOD_ID in line for line in lines)


def test_problems_in_csv_files_name_the_file_and_line(tmp_path, django_capture_on_commit_callbacks):
    build_directory(django_capture_on_commit_callbacks)
    directory = tmp_path / "csv"
    export_bytes(directory)
    phones = (directory / "phones.csv").read_text()
    (directory / "phones.csv").write_text(phones.replace("+12038547700", "not a number"))
    with pytest.raises(CommandError):
        call_command("import_hsds", str(directory), stdout=StringIO(), stderr=(err := StringIO()))
    line = next(line for line in err.getvalue().splitlines() if "phones[3].number" in line)
    assert line.startswith(f"{directory / 'phones.csv'}:5, service ")


def test_slug_clash_with_another_service_is_a_problem(tmp_path, django_capture_on_commit_callbacks):
    build_directory(django_capture_on_commit_callbacks)
    record = minimal(
        GOOD_ID,
        "Copycat",
        attributes=[
            {
                "id": "6b1c0c9e-0000-4000-8000-000000000009",
                "taxonomy_term": {
                    "id": "6b1c0c9e-0000-4000-8000-00000000000a",
                    "name": "Slug",
                    "description": "",
                    "taxonomy": "waymark-attribute",
                    "code": "slug",
                },
                "value": "drop-in",
            }
        ],
    )
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_hsds", str(path), stdout=StringIO(), stderr=err)
    assert "attributes: the slug 'drop-in' is already used by service" in err.getvalue()


def test_a_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch):
    clear_directory()
    path = tmp_path / "two.json"
    path.write_text(json.dumps([minimal(GOOD_ID, "First"), minimal(BAD_ID, "Second")]))
    original = Service.save_revision
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self.name)
        if self.name == "Second":
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Service, "save_revision", failing)
    with pytest.raises(CommandError, match=r"rolled back.*disk full"):
        call_command("import_hsds", str(path), stdout=StringIO(), stderr=StringIO())
    assert calls == ["First", "Second"]
    assert not Service.objects.exists() and not Revision.objects.filter(object_str="First").exists()


# -- other directories' files --------------------------------------------------------


def test_official_example_imports_with_warnings(tmp_path, django_capture_on_commit_callbacks):
    clear_directory()
    out, err = import_hsds(
        HSDS / "examples" / "service_full.json",
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert "services: 1 created" in out
    for skipped in (
        "service.contacts",
        "service.funding",
        "service.cost_options",
        "service.service_areas",
        "service.required_documents",
        "service.metadata",
        "service.program",
        "organization.programs",
        "phone.description",
        "phone.languages",
        "schedule.description",
        "location.accessibility",
        "service_at_location.contacts",
        "service attributes of other taxonomies",
        "location coordinates",
    ):
        assert skipped in err, skipped
    assert all(line.startswith("warning (") for line in err.splitlines())
    service = Service.objects.get(translation_key="ac148810-d857-441c-9679-408f346de14b")
    assert service.live and service.name == "Community Counselling"
    phone = service.phones.get()
    assert (phone.number, phone.extension, phone.kind) == ("+441234234567", "100", "voice")
    hours = sorted(service.opening_hours.all(), key=lambda row: row.weekday)
    assert [(row.weekday, row.opens_at, row.closes_at) for row in hours] == [
        (3, TIME(10), TIME(18)),
        (4, TIME(10), TIME(18)),
    ]
    assert [language.code for language in service.languages.all()] == ["ur"]
    assert service.organization.name == "Example Organization Inc."
    assert service.assurer == "email@example.com"
    assert service.slug == "community-counselling"
    location = service.service_locations.get().location
    assert (location.address_1, location.latitude) == ("1-30 Main Street", None)
    # Importing it again changes nothing.
    marks = revision_marks()
    out, _err = import_hsds(HSDS / "examples" / "service_full.json")
    assert "services: 0 created, 0 updated, 1 unchanged" in out
    assert revision_marks() == marks


def test_official_csv_example_imports_with_warnings(tmp_path, django_capture_on_commit_callbacks):
    clear_directory()
    directory = tmp_path / "csv"
    shutil.copytree(HSDS / "examples" / "csv", directory)
    out, err = import_hsds(
        directory, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "services: 1 created" in out
    for skipped in ("contacts.csv", "funding.csv", "cost_options.csv", "attributes.csv rows"):
        assert skipped in err, skipped
    service = Service.objects.get(translation_key="ac148810-d857-441c-9679-408f346de14b")
    assert service.phones.get().number == "+441234234567"
    assert sorted(row.weekday for row in service.opening_hours.all()) == [3, 4]
    assert [language.code for language in service.languages.all()] == ["ur"]
    assert service.service_locations.get().location.city == "MyCity"


# -- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b"", "is empty"),
        (b"42", "holds a JSON int"),
        (b"\xff\xfe{}", "is not UTF-8"),
        (b'{"contents": 3}', "must be a list"),
    ],
)
def test_garbage_files_are_refused_with_a_message(tmp_path, content, message):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    counts = row_counts()
    with pytest.raises(CommandError, match=message):
        call_command("import_hsds", str(path), stdout=StringIO(), stderr=StringIO())
    assert row_counts() == counts


def test_garbage_directories_and_paths_are_refused(tmp_path):
    (tmp_path / "phones.csv").write_text("id,number\n")
    with pytest.raises(CommandError, match=r"has no services\.csv"):
        call_command("import_hsds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_hsds", str(tmp_path / "nope.json"), stdout=StringIO())
    (tmp_path / "services.csv").write_bytes(b"id,name\n\xff\xfe,x\n")
    with pytest.raises(CommandError, match="is not UTF-8"):
        call_command("import_hsds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    (tmp_path / "services.csv").write_text("name,status\nx,active\n")
    with pytest.raises(CommandError, match="has no id column"):
        call_command("import_hsds", str(tmp_path), stdout=StringIO(), stderr=StringIO())


def test_a_record_that_is_not_an_object_is_a_problem(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([minimal(GOOD_ID, "Fine"), "oops"]))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_hsds", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}, record 2, (record): is not an HSDS service object" in err.getvalue()


def test_translations_are_one_segment_per_field(django_capture_on_commit_callbacks):
    """wagtail-localize keeps a plain TextField whole, so a catalogue maps field to field."""
    counselling, _hotline, _bare = build_directory(django_capture_on_commit_callbacks)
    source = TranslationSource.objects.get(object_id=counselling.translation_key)
    strings = [
        segment.string.data
        for segment in StringSegment.objects.filter(source=source).select_related("string")
    ]
    assert StringValue.from_plaintext(DESCRIPTION).data in strings
    assert len(strings) == 6


def test_schedule_shapes_from_other_directories(tmp_path, django_capture_on_commit_callbacks):
    clear_directory()
    schedule_id = "7c1c0c9e-0000-4000-8000-000000000001"
    record = minimal(
        GOOD_ID,
        "Evening clinic",
        schedules=[
            weekly(schedule_id, "MO,WE", "18:00:00", "24:00"),
            weekly("7c1c0c9e-0000-4000-8000-000000000002", "FR", "09:00", "09:00"),
            {"id": "7c1c0c9e-0000-4000-8000-000000000003", "freq": "MONTHLY", "byday": "1MO"},
            {"id": "7c1c0c9e-0000-4000-8000-000000000006", "freq": "YEARLY", "byday": "MO"},
            {"id": "7c1c0c9e-0000-4000-8000-000000000004", "description": "By appointment."},
            {"id": "7c1c0c9e-0000-4000-8000-000000000005", "dtstart": "2026-07-04"},
        ],
    )
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record))
    _out, err = import_hsds(
        path, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert "skipped schedules with freq MONTHLY" in err
    assert "skipped schedules with freq YEARLY" in err
    assert "skipped schedules without days, dates or times" in err
    service = Service.objects.get(translation_key=GOOD_ID)
    rows = {row.weekday: row for row in service.opening_hours.all()}
    assert sorted(rows) == [0, 2, 4]
    assert (rows[0].closes_at, rows[0].closes_next_day) == (TIME(0), True)
    assert str(rows[0].hsds_id) == str(uuid.uuid5(uuid.UUID(schedule_id), "MO"))
    assert (rows[4].opens_at, rows[4].closes_at, rows[4].closes_next_day) == (
        TIME(9),
        TIME(9),
        True,
    )
    exception = service.exceptions.get()
    assert (exception.date, exception.closed) == (datetime.date(2026, 7, 4), True)
    assert service.slug == "evening-clinic"

    record["schedules"] = [weekly(schedule_id, "MO", "09:00-05:00", "17:00")]
    path.write_text(json.dumps(record))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_hsds", str(path), stdout=StringIO(), stderr=err)
    assert "schedules[0].opens_at: '09:00-05:00' has a time zone offset" in err.getvalue()
