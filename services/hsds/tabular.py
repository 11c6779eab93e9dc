"""The HSDS tabular form: a directory of CSV files, read into and written from service records.

Both directions go through the JSON form of a service record, so the tabular
import is validated and applied exactly like a JSON one. Column names and
their order come from HSDS's own tabular schema; Waymark adds one table,
waymark_translations.csv.
"""

import csv
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from . import SCHEMA_DIR, TRANSLATED_FIELDS, TRANSLATIONS_KEY
from .records import taxonomy_terms
from .validate import Origin

TRANSLATIONS_FILE = "waymark_translations.csv"
TRANSLATIONS_COLUMNS = ["service_id", "language", "field", "value"]
# The HSDS tables Waymark writes (and reads), by HSDS table name.
WRITTEN_TABLES = (
    "organization",
    "service",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "address",
    "schedule",
    "language",
    "taxonomy_term",
)
INTEGER = re.compile(r"^-?\d+$")


class TabularError(Exception):
    """The directory cannot be read as HSDS tables at all (missing services.csv, not CSV, ...)."""


@cache
def tables():
    """HSDS table name -> path, columns (in order), column types, required columns, metadata."""
    schema = json.loads((SCHEMA_DIR / "tabular.json").read_text("utf-8"))
    found = {}
    for name, table in schema["properties"].items():
        item = table["items"]
        properties = {
            column: spec
            for column, spec in item["properties"].items()
            if spec.get("type") != "array" and "$ref" not in spec
        }
        found[name] = {
            "path": item["path"],
            "description": item.get("description", ""),
            "order": item.get("datapackage_metadata", {}).get("order", 0),
            "columns": list(properties),
            "properties": properties,
            "required": set(item.get("required", [])) | set(item.get("tabular_required", [])),
        }
    return found


def columns(table):
    """The HSDS column names of a table, in the schema's order."""
    return tables()[table]["columns"]


# -- writing ---------------------------------------------------------------------


def cell(value):
    """One CSV cell: numbers as JSON writes them, nothing for absent values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def table_rows(records):
    """HSDS table name -> rows (dicts), in a stable order, for the given service records."""
    rows = defaultdict(list)
    organizations, locations, addresses = {}, {}, {}
    translations = []
    for record in records:
        service_id = record["id"]
        rows["service"].append(record)
        organization = record.get("organization")
        if organization:
            organizations[organization["id"]] = organization
        phone_attributes = []
        for phone in record.get("phones", []):
            rows["phone"].append({**phone, "service_id": service_id})
            phone_attributes.extend(phone.get("attributes", []))
        for schedule in record.get("schedules", []):
            rows["schedule"].append({**schedule, "service_id": service_id})
        for link in record.get("service_at_locations", []):
            location = link["location"]
            rows["service_at_location"].append(
                {**link, "service_id": service_id, "location_id": location["id"]}
            )
            locations[location["id"]] = location
            for address in location.get("addresses", []):
                addresses[address["id"]] = {**address, "location_id": location["id"]}
        for language in record.get("languages", []):
            rows["language"].append({**language, "service_id": service_id})
        rows["attribute"].extend(record.get("attributes", []))
        rows["attribute"].extend(phone_attributes)
        for language, words in sorted(record.get(TRANSLATIONS_KEY, {}).items()):
            for field in TRANSLATED_FIELDS:
                if field in words:
                    translations.append([service_id, language, field, words[field]])
    rows["organization"] = [organizations[key] for key in sorted(organizations)]
    rows["location"] = [locations[key] for key in sorted(locations)]
    rows["address"] = [addresses[key] for key in sorted(addresses)]
    rows["taxonomy_term"] = sorted(taxonomy_terms(), key=lambda term: term["id"])
    return rows, translations


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_directory(records, directory):
    """Write the records as HSDS CSV files plus datapackage.json; returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rows, translations = table_rows(records)
    written = []
    for table in WRITTEN_TABLES:
        header = columns(table)
        path = directory / tables()[table]["path"]
        write_csv(
            path, header, ([cell(row.get(column)) for column in header] for row in rows[table])
        )
        written.append(path)
    path = directory / TRANSLATIONS_FILE
    write_csv(path, TRANSLATIONS_COLUMNS, translations)
    written.append(path)
    path = directory / "datapackage.json"
    text = json.dumps(datapackage(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_bytes(text.encode("utf-8"))
    written.append(path)
    return written


def datapackage():
    """A Frictionless data package describing the files write_directory writes."""
    resources = []
    for table in sorted(WRITTEN_TABLES, key=lambda name: tables()[name]["order"]):
        info = tables()[table]
        fields = []
        for column in info["columns"]:
            spec = info["properties"][column]
            kind = spec.get("datapackage_type") or spec.get("type", "string")
            described = {"name": column, "type": kind}
            if spec.get("description"):
                described["description"] = spec["description"]
            if spec.get("format") in ("uuid", "email", "uri") and kind == "string":
                described["format"] = spec["format"]
            if kind == "time":
                described["format"] = "%H:%M"
            if column in info["required"]:
                described["constraints"] = {"required": True}
            fields.append(described)
        resources.append(
            {
                "name": table,
                "path": info["path"],
                "description": info["description"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    resources.append(
        {
            "name": "waymark_translation",
            "path": TRANSLATIONS_FILE,
            "description": (
                "Waymark extension: the translated words of each service "
                "(one row per service, language and field)."
            ),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": "service_id", "type": "string", "format": "uuid"},
                    {"name": "language", "type": "string"},
                    {"name": "field", "type": "string"},
                    {"name": "value", "type": "string"},
                ],
                "primaryKey": ["service_id", "language", "field"],
                "foreignKeys": [
                    {
                        "fields": "service_id",
                        "reference": {"resource": "service", "fields": "id"},
                    }
                ],
            },
        }
    )
    return {
        "name": "waymark-services",
        "title": "Waymark services directory (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "resources": resources,
    }


# -- reading ---------------------------------------------------------------------


def number(text):
    """A CSV number as JSON would have it; text that is no number stays text for the schema."""
    try:
        return int(text) if INTEGER.match(text) else float(text)
    except ValueError:
        return text


class TableReader:
    """Reads the CSV files of one directory, reporting skipped columns and files."""

    def __init__(self, directory, report):
        self.directory = Path(directory)
        self.report = report

    def label(self, filename, line):
        return f"{self.directory / filename}:{line}"

    def read(self, filename, known_columns, types=None, required=()):
        """[(line, row)] of a CSV file, empty cells left out; [] when the file is absent."""
        path = self.directory / filename
        if not path.exists():
            return []
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle, restkey="\0extra")
                header = reader.fieldnames or []
                rows = []
                for row in reader:
                    rows.append((reader.line_num, row))
        except UnicodeDecodeError as exc:
            raise TabularError(f"{path} is not UTF-8 text ({exc.reason})") from exc
        except (OSError, csv.Error) as exc:
            raise TabularError(f"{path} cannot be read as CSV: {exc}") from exc
        if "id" in known_columns and "id" not in header:
            raise TabularError(f"{path} has no id column: it is not an HSDS table")
        for column in header:
            if column not in known_columns:
                self.report.warn(f"skipped column {column!r} of {filename}: not an HSDS column")
        types = types or {}
        cleaned = []
        for line, row in rows:
            if row.get("\0extra"):
                self.report.problem(
                    self.label(filename, line), "row", "(row)", "has more cells than the header"
                )
            values = {}
            for column in known_columns:
                text = row.get(column)
                if text is None or text == "":
                    if column in required and column in header:
                        values[column] = ""
                    continue
                values[column] = number(text) if types.get(column) == "number" else text
            cleaned.append((line, values))
        return cleaned

    def read_table(self, table):
        info = tables()[table]
        types = {column: spec.get("type") for column, spec in info["properties"].items()}
        required = {
            column
            for column in tables()[table]["required"]
            if info["properties"].get(column, {}).get("type") == "string"
            and column not in ("id",)
            and not column.endswith("_id")
        }
        return self.read(info["path"], info["columns"], types, required)


def read_directory(directory, report):
    """[(record, Origin)] for every row of services.csv, with their rows from the other tables."""
    directory = Path(directory)
    if not (directory / "services.csv").is_file():
        raise TabularError(f"{directory} has no services.csv: it is not a directory of HSDS tables")
    reader = TableReader(directory, report)
    data = {table: reader.read_table(table) for table in WRITTEN_TABLES}
    translation_rows = reader.read(TRANSLATIONS_FILE, TRANSLATIONS_COLUMNS)
    known_files = {tables()[table]["path"] for table in WRITTEN_TABLES} | {TRANSLATIONS_FILE}
    for path in sorted(directory.glob("*.csv")):
        if path.name not in known_files:
            count = _count_rows(path)
            if count:
                report.warn(f"skipped {path.name} ({count} row(s)): Waymark does not use it")
    assembly = ServiceAssembly(reader, data, report)
    assembly.organizations()
    assembly.phones()
    assembly.children("schedule", "schedules", "schedules of locations")
    assembly.children("language", "languages", "languages of locations or phones")
    assembly.locations()
    assembly.attributes()
    assembly.translations(translation_rows)
    return assembly.records


class ServiceAssembly:
    """Puts each service back together from the tables' rows, as one nested HSDS record, and
    remembers the file and line each part came from (for problems the import reports)."""

    def __init__(self, reader, data, report):
        self.reader, self.data, self.report = reader, data, report
        self.records = []
        self.services = {}
        self.phone_rows = {}
        for line, row in data["service"]:
            origin = Origin(self.where("service", line), {(): self.where("service", line)})
            record = dict(row)
            self.records.append((record, origin))
            self.services.setdefault(row.get("id"), (record, origin))

    def where(self, table, line):
        return self.reader.label(tables()[table]["path"], line)

    def append(self, owner, key, item, table, line, path=None):
        """Add `item` to the owner record's list `key`; note where it came from."""
        record, origin = owner
        items = record.setdefault(key, [])
        origin.parts[path or (key, len(items))] = self.where(table, line)
        items.append(item)
        return len(items) - 1

    def owner(self, table, line, row, what):
        """The (record, origin) of the service a row belongs to, or None (warned or reported)."""
        service_id = row.get("service_id")
        if not service_id:
            self.report.warn(
                f"skipped {tables()[table]['path']} rows without a service_id ({what}): "
                "Waymark does not use them"
            )
            return None
        if service_id not in self.services:
            self.report.problem(
                self.where(table, line),
                f"{table} {row.get('id', '')}".strip(),
                "service_id",
                "no service with this id in services.csv",
            )
            return None
        return self.services[service_id]

    def organizations(self):
        organizations = {row.get("id"): (line, row) for line, row in self.data["organization"]}
        for record, origin in self.records:
            organization_id = record.get("organization_id")
            if organization_id in organizations:
                line, row = organizations[organization_id]
                record["organization"] = dict(row)
                origin.parts[("organization",)] = self.where("organization", line)

    def phones(self):
        for line, row in self.data["phone"]:
            found = self.owner("phone", line, row, "phones of organizations, locations or contacts")
            if found:
                phone = dict(row)
                index = self.append(found, "phones", phone, "phone", line)
                self.phone_rows.setdefault(row.get("id"), (phone, found[1], index))

    def children(self, table, key, what):
        """Rows of a table that belong to services as a plain list (schedules, languages)."""
        for line, row in self.data[table]:
            found = self.owner(table, line, row, what)
            if found:
                self.append(found, key, dict(row), table, line)

    def locations(self):
        locations = {row.get("id"): (line, row) for line, row in self.data["location"]}
        addresses = defaultdict(list)
        for line, row in self.data["address"]:
            addresses[row.get("location_id")].append((line, row))
        for line, row in self.data["service_at_location"]:
            found = self.owner("service_at_location", line, row, "links to no service")
            if not found:
                continue
            record, origin = found
            path = ("service_at_locations", len(record.get("service_at_locations", [])))
            link = dict(row)
            location_id = row.get("location_id")
            if location_id in locations:
                location_line, location_row = locations[location_id]
                location = dict(location_row)
                origin.parts[(*path, "location")] = self.where("location", location_line)
                location["addresses"] = []
                for address_line, address_row in addresses.get(location_id, []):
                    place = (*path, "location", "addresses", len(location["addresses"]))
                    origin.parts[place] = self.where("address", address_line)
                    location["addresses"].append(dict(address_row))
                link["location"] = location
            self.append(found, "service_at_locations", link, "service_at_location", line, path)

    def attributes(self):
        terms = {row.get("id"): row for _line, row in self.data["taxonomy_term"]}
        for line, row in self.data["attribute"]:
            attribute = dict(row)
            term = terms.get(row.get("taxonomy_term_id"))
            if term is not None:
                attribute["taxonomy_term"] = dict(term)
            link_id = row.get("link_id")
            if link_id in self.services:
                self.append(self.services[link_id], "attributes", attribute, "attribute", line)
            elif link_id in self.phone_rows:
                phone, origin, index = self.phone_rows[link_id]
                items = phone.setdefault("attributes", [])
                origin.parts[("phones", index, "attributes", len(items))] = self.where(
                    "attribute", line
                )
                items.append(attribute)
            else:
                self.report.warn(
                    "skipped attributes.csv rows linked to nothing Waymark imports "
                    "(organizations, locations, other tables)"
                )

    def translations(self, rows):
        for line, row in rows:
            label = self.reader.label(TRANSLATIONS_FILE, line)
            service_id = row.get("service_id")
            if service_id not in self.services:
                self.report.problem(
                    label,
                    f"service {service_id}",
                    "service_id",
                    "no service with this id in services.csv",
                )
                continue
            record, origin = self.services[service_id]
            language, field = row.get("language"), row.get("field")
            if not language or not field:
                self.report.problem(label, f"service {service_id}", "language/field", "is required")
                continue
            words = record.setdefault(TRANSLATIONS_KEY, {}).setdefault(language, {})
            if field in words:
                self.report.problem(label, f"service {service_id}", field, "is given twice")
            words[field] = row.get("value", "")
            origin.parts[(TRANSLATIONS_KEY, language, field)] = label
            origin.parts.setdefault((TRANSLATIONS_KEY, language), label)


def _count_rows(path):
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return max(sum(1 for _row in csv.reader(handle)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return 1
