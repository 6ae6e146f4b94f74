"""The OpenAPI 3.0.3 document of the data API, generated from the release schema so it never drifts."""

from __future__ import annotations

from functools import lru_cache

from data_access.api_queries import API_TABLES, YEAR_RANGE, column_kind, filter_specs, key_columns
from data_access.codes import BENCHMARK_STATUSES, RELEASE_STATUS
from data_access.schema import RELEASE_TABLES, columns
from data_access.suppression import HIDDEN_COLUMNS

from .params import DEFAULT_LIMIT, FORMATS, LIMIT_RANGE, MAX_OFFSET, RELEASE_PATTERN

JSON = "application/json"
PROBLEM = "application/problem+json"
KINDS = {
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date-time": {"type": "string", "format": "date-time"},
    "string": {"type": "string"},
}
ERRORS = {"400": "BadRequest", "404": "NotFound", "503": "Unavailable"}
SUPPRESSION_NOTE = (
    "Rows pass through the same disclosure control as the pages: where `suppressed` is true the "
    "figures derived from small counts are null (never 0) for this viewer."
)

# Optional Spanish text of the data (DESIGN §2): the Spanish pages show it when given.
SPANISH_FIELDS = {
    ("agencies", "agency_name_es"): "The agency's name in Spanish; null when not given (use `agency_name`).",
    ("measures", "label_es"): "The measure's label in Spanish; null when not given (use `label`).",
    ("measures", "description_es"): "The measure's description in Spanish; null when not given (use `description`).",
}


def camel(table: str) -> str:
    return "".join(part.title() for part in table.split("_"))


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def row_schema(table: str) -> dict:
    """A table row: every column with its type, nullable where the value may be missing or suppressed."""
    hidden = set(HIDDEN_COLUMNS.get(table, ()))
    properties = {}
    for name in columns(table):
        column = RELEASE_TABLES[table].c[name]
        schema = dict(KINDS[column_kind(table, name)])
        if (column.nullable and not column.primary_key) or name in hidden:
            schema["nullable"] = True
        if (table, name) == ("benchmark_progress", "status"):  # DESIGN §4.4; null when suppressed (§5)
            schema["enum"] = [*BENCHMARK_STATUSES, None]
        if (table, name) in SPANISH_FIELDS:
            schema["description"] = SPANISH_FIELDS[(table, name)]
        properties[name] = schema
    return {"type": "object", "required": columns(table), "additionalProperties": False, "properties": properties}


def page_schema(table: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["release_id", "table", "count", "limit", "offset", "next", "rows"],
        "properties": {
            "release_id": {"type": "string"},
            "table": {"type": "string", "enum": [table]},
            "count": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": LIMIT_RANGE[0], "maximum": LIMIT_RANGE[1]},
            "offset": {"type": "integer", "minimum": 0},
            "next": {
                "type": "string",
                "nullable": True,
                "description": "The next page of the same view (pinned to this release).",
            },
            "rows": {"type": "array", "items": ref("schemas", f"{camel(table)}Row")},
        },
    }


def filter_parameter(table: str, column: str) -> dict:
    spec = filter_specs(table)[column]
    if spec.kind == "year":
        schema = {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}
    elif spec.kind == "choice":
        schema = {"type": "string", "enum": list(spec.choices)}
    else:
        schema = {"type": "string", "minLength": 1, "maxLength": spec.max_length, "pattern": spec.pattern}
    return {
        "name": column,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": f"Only rows whose `{column}` equals this value.",
    }


def table_operation(slug: str, table: str) -> dict:
    keys = key_columns(table)
    return {
        "operationId": f"get_{table}",
        "tags": ["tables"],
        "summary": f"Rows of `{table}` (one page, ordered by {', '.join(keys)})",
        "description": SUPPRESSION_NOTE if table in HIDDEN_COLUMNS else f"Rows of the `{table}` release table.",
        "parameters": [ref("parameters", p) for p in ("Release", "Format", "Limit", "Offset")]
        + [filter_parameter(table, c) for c in keys],
        "responses": {
            "200": {
                "description": "One page of rows",
                "headers": page_headers(),
                "content": {
                    JSON: {"schema": ref("schemas", f"{camel(table)}Page")},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            "304": ref("responses", "NotModified"),
            **{code: ref("responses", name) for code, name in ERRORS.items()},
        },
    }


def page_headers() -> dict:
    return {
        "ETag": {"schema": {"type": "string"}, "description": "Validator for If-None-Match."},
        "X-Total-Count": {"schema": {"type": "integer"}, "description": "Rows matching the filters."},
    }


def simple_operation(op_id: str, summary: str, schema: dict, parameters: list, csv: bool = False) -> dict:
    content = {JSON: {"schema": schema}, **({"text/csv": {"schema": {"type": "string"}}} if csv else {})}
    return {
        "operationId": op_id,
        "summary": summary,
        "parameters": parameters,
        "responses": {
            "200": {"description": summary, "content": content},
            "304": ref("responses", "NotModified"),
            **{code: ref("responses", name) for code, name in ERRORS.items()},
        },
    }


def release_schemas() -> dict:
    release = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "release_id": {"type": "string"},
            "created_at": KINDS["date-time"],
            "published_at": {**KINDS["date-time"], "nullable": True},
            "status": {"type": "string", "enum": list(RELEASE_STATUS)},
            "inputs_sha256": {"type": "string"},
            "code_version": {"type": "string"},
            "notes": {"type": "string"},
            "synthetic": {"type": "boolean"},
            "current": {"type": "boolean"},
        },
    }
    release["required"] = list(release["properties"])
    tables = {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0},
        "description": "Rows in each table of the release.",
    }
    detail = {
        **release,
        "required": [*release["required"], "tables"],
        "properties": {**release["properties"], "tables": tables},
    }
    listing = {
        "type": "object",
        "required": ["current_release_id", "count", "rows"],
        "properties": {
            "current_release_id": {"type": "string", "nullable": True},
            "count": {"type": "integer"},
            "rows": {"type": "array", "items": ref("schemas", "Release")},
        },
    }
    return {"Release": release, "ReleaseDetail": detail, "ReleaseList": listing}


def change_schemas() -> dict:
    key = {"type": "object", "additionalProperties": True}
    keyed = {"type": "array", "items": key}
    move = {
        "type": "object",
        "required": ["key", "column", "old", "new", "change"],
        "properties": {
            "key": key,
            "column": {"type": "string"},
            "old": {"type": "number"},
            "new": {"type": "number"},
            "change": {"type": "number"},
        },
    }
    status = {
        "type": "object",
        "required": ["key", "column", "old", "new"],
        "properties": {"key": key, "column": {"type": "string"}, "old": {"nullable": True}, "new": {"nullable": True}},
    }
    lists = ("added", "removed", "changed", "largest_moves", "status_changes")
    table = {
        "type": "object",
        "required": ["key_columns", "counts", *lists, "truncated"],
        "properties": {
            "key_columns": {"type": "array", "items": {"type": "string"}},
            "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
            "added": keyed,
            "removed": keyed,
            "changed": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "columns"],
                    "properties": {"key": key, "columns": {"type": "array", "items": {"type": "string"}}},
                },
            },
            "largest_moves": {"type": "array", "items": move},
            "status_changes": {"type": "array", "items": status},
            "truncated": {"type": "object", "additionalProperties": {"type": "boolean"}},
        },
    }
    changes = {
        "type": "object",
        "required": ["from", "to", "limit", "tables"],
        "properties": {
            "from": {"type": "string"},
            "to": {"type": "string"},
            "limit": {"type": "integer"},
            "tables": {"type": "object", "additionalProperties": ref("schemas", "TableChanges")},
        },
    }
    return {"TableChanges": table, "Changes": changes}


def components() -> dict:
    release = {"type": "string", "pattern": RELEASE_PATTERN}
    problem = {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "parameter": {"type": "string", "description": "The offending parameter."},
        },
    }
    schemas = {"Problem": problem, **release_schemas(), **change_schemas()}
    for table in API_TABLES.values():
        schemas[f"{camel(table)}Row"] = row_schema(table)
        schemas[f"{camel(table)}Page"] = page_schema(table)
    problem_response = {"content": {PROBLEM: {"schema": ref("schemas", "Problem")}}}
    return {
        "parameters": {
            "Release": {
                "name": "release",
                "in": "query",
                "schema": release,
                "description": "Release id; default the current published release.",
            },
            "Format": {
                "name": "format",
                "in": "query",
                "schema": {"type": "string", "enum": list(FORMATS), "default": "json"},
            },
            "Limit": {
                "name": "limit",
                "in": "query",
                "schema": {
                    "type": "integer",
                    "minimum": LIMIT_RANGE[0],
                    "maximum": LIMIT_RANGE[1],
                    "default": DEFAULT_LIMIT,
                },
            },
            "Offset": {
                "name": "offset",
                "in": "query",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            },
        },
        "schemas": schemas,
        "responses": {
            "NotModified": {"description": "Not modified (If-None-Match matched the ETag)"},
            "BadRequest": {"description": "A parameter is unknown or has a bad value", **problem_response},
            "NotFound": {"description": "No such release, table or endpoint", **problem_response},
            "Unavailable": {"description": "The database is not reachable", **problem_response},
        },
    }


@lru_cache(maxsize=8)
def openapi_document(base: str) -> dict:
    """The whole document; `base` is the server URL of /api/v1 (with any path prefix of the site)."""
    release_param = {"name": "release_id", "in": "path", "required": True, "schema": {"type": "string"}}
    changes_params = [
        {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "pattern": RELEASE_PATTERN}},
        {"name": "to", "in": "query", "required": True, "schema": {"type": "string", "pattern": RELEASE_PATTERN}},
        {"name": "table", "in": "query", "schema": {"type": "string", "enum": list(API_TABLES)}},
        ref("parameters", "Limit"),
    ]
    paths = {
        "/releases": {
            "get": simple_operation(
                "list_releases",
                "Releases this viewer may open",
                ref("schemas", "ReleaseList"),
                [ref("parameters", "Format")],
                csv=True,
            )
        },
        "/releases/{release_id}": {
            "get": simple_operation(
                "get_release", "One release with rows per table", ref("schemas", "ReleaseDetail"), [release_param]
            )
        },
        "/changes": {
            "get": simple_operation(
                "get_changes", "What changed between two releases", ref("schemas", "Changes"), changes_params
            )
        },
    }
    paths.update({f"/{slug}": {"get": table_operation(slug, table)} for slug, table in API_TABLES.items()})
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "CT Equity Benchmarks data API",
            "version": "1.0.0",
            "description": "Read-only, disclosure-safe release tables (DESIGN §7). JSON by default, "
            "`format=csv` for CSV. Errors are RFC 9457 problem documents.",
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": components(),
    }
