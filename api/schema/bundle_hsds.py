"""Makes hsds-openapi.json from Open Referral's HSDS 3.0 OpenAPI document and schemas.

Run by hand when the specification changes (the server never reads the specification):

    .venv/bin/python api/schema/bundle_hsds.py PATH/TO/hsds > api/schema/hsds-openapi.json

where PATH/TO/hsds holds `schema/openapi.json` and `schema/*.json` (HSDS 3.0.0,
openreferral/specification at commit 279fd2eb). What it changes, and why:

- `info` and `servers` are filled in for Waymark (the official document is a template).
- Every schema is bundled under `components/schemas`, the remote `$ref`s to
  raw.githubusercontent.com becoming local, so clients and Schemathesis need no network.
  The "compiled" list schemas the document names (one-to-one fields only) are made by
  leaving out the array properties, as the published `service_list.json` does.
- Parameters get the bounds Waymark enforces (page >= 1, 1 <= per_page <= 200,
  format json, modified_after a date-time); `proximity` is left out (Waymark has no
  postcode centroids to measure from).
- Services carry the `waymark_translations` extension (docs/hsds.md); a fully nested
  organization its `services` and `locations`.
- Every operation lists its error answers (400, 404, 429) as RFC 9457 problem details.
"""

import copy
import json
import sys
from pathlib import Path

REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
LIST_SCHEMAS = {"compiled/service_list.json": "service_list"}
TRANSLATED = (
    "name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "alert",
)


def local_refs(node):
    """ "phone.json" -> "#/components/schemas/phone", everywhere in a schema."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.endswith(".json"):
                out[key] = "#/components/schemas/" + Path(value).stem
            else:
                out[key] = local_refs(value)
        return out
    if isinstance(node, list):
        return [local_refs(item) for item in node]
    return node


def one_to_one(schema, name):
    """A list schema: the object without its array properties."""
    listed = copy.deepcopy(schema)
    listed["name"] = name
    listed["properties"] = {
        key: value for key, value in schema["properties"].items() if value.get("type") != "array"
    }
    return listed


def problem_schema():
    return {
        "type": "object",
        "description": "An RFC 9457 problem: what was wrong with the request.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "parameter": {"type": "string", "description": "The query parameter at fault."},
        },
    }


def problem_response(description):
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def bundle(spec):
    schema_dir = spec / "schema"
    document = json.loads((schema_dir / "openapi.json").read_text("utf-8"))
    schemas = {}
    for path in sorted(schema_dir.glob("*.json")):
        if path.name == "openapi.json":
            continue
        schemas[path.stem] = local_refs(json.loads(path.read_text("utf-8")))
    translations = {
        "type": "object",
        "description": "Waymark's extension: the service's words in each other language "
        "(language code -> field -> text), as docs/hsds.md describes.",
        "additionalProperties": {
            "type": "object",
            "properties": {field: {"type": "string"} for field in TRANSLATED},
            "additionalProperties": False,
        },
    }
    schemas["service"]["properties"]["waymark_translations"] = translations
    service_list = one_to_one(schemas["service"], "service_list")
    schemas["service_list"] = service_list
    schemas["organization_list"] = one_to_one(schemas["organization"], "organization_list")
    schemas["service_at_location_list"] = one_to_one(
        schemas["service_at_location"], "service_at_location_list"
    )
    schemas["organization"]["properties"]["services"] = {
        "type": "array",
        "description": "Waymark: the organization's live services (id, name and status, "
        "or full records with full_service=true).",
        "items": {"$ref": "#/components/schemas/service_list"},
    }
    schemas["Problem"] = problem_schema()
    schemas.update(document["components"]["schemas"])
    document["components"]["schemas"] = schemas

    document["info"] = {
        "title": "Waymark directory (Open Referral HSDS 3.0)",
        "version": "1.0.0",
        "summary": "The support services Waymark's readers see, as HSDS 3.0 records.",
        "description": "Live, reviewed services only, each the record `export_hsds` writes, "
        "with its translations in `waymark_translations`. See docs/api.md.",
        "license": {"name": "The content's licence is the publisher's; ask before reuse."},
    }
    document["servers"] = [{"url": "/api/hsds"}]

    parameters = document["components"]["parameters"]
    parameters["page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": 1000000}
    parameters["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": 200}
    parameters["per_page"]["description"] += " At most 200; 50 when not given."
    parameters["format"]["schema"] = {"type": "string", "enum": ["json"]}
    parameters["format"]["description"] = "Only `json` is offered."
    parameters["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    parameters.pop("proximity")
    for name in ("search", "taxonomy_term_id", "taxonomy_id", "organization_id", "postcode"):
        parameters[name]["schema"]["maxLength"] = 200

    for item in document["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            operation["parameters"] = [
                parameter
                for parameter in operation.get("parameters", [])
                if parameter.get("$ref") != "#/components/parameters/proximity"
            ]
            for parameter in operation["parameters"]:
                if parameter.get("name") == "parent_id":
                    parameter["schema"]["maxLength"] = 200
            responses = operation["responses"]
            responses["400"] = problem_response("A parameter is unknown, repeated or malformed.")
            responses["404"] = problem_response("No such record, or no such page of results.")
            responses["429"] = problem_response("Too many uncached requests: see Retry-After.")
            for response in responses.values():
                for content in response.get("content", {}).values():
                    content["schema"] = relink(content.get("schema"))
    return document


def relink(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REMOTE):
                name = Path(value[len(REMOTE) :]).stem
                out[key] = f"#/components/schemas/{name}"
            else:
                out[key] = relink(value)
        return out
    if isinstance(node, list):
        return [relink(item) for item in node]
    return node


if __name__ == "__main__":
    json.dump(bundle(Path(sys.argv[1])), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
