"""The OpenAPI schema: every operation documents the statuses the error layer gives it, and fields the values they answer."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from rest_framework import serializers

ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}},
         "description": "Every error that is not about one field of the input."}
# A nested serializer's errors nest: an object for an object, a list of objects for a list of them.
MESSAGES = {"anyOf": [{"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}}, {"type": "object"}]}
FIELD_ERRORS = {"type": "object", "additionalProperties": MESSAGES,
                "description": "Input errors: each field named (non_field_errors for the input as a whole) with its messages."}
WRITES = {"post", "put", "patch", "delete"}


def _answer(description: str, *schemas: str) -> dict:
    refs = [{"$ref": f"#/components/schemas/{name}"} for name in schemas]
    schema = refs[0] if len(refs) == 1 else {"oneOf": refs}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(result, generator, request, public):
    """Add the error answers of helpdesk/api/errors.py to each operation that does not declare them (a postprocessing hook)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            public_only = operation.get("security") == [{}]
            answers = {}
            if method in WRITES or operation.get("parameters"):
                answers["400"] = _answer("Invalid input.", "FieldErrors", "Error")
            if not public_only:
                answers["401"] = _answer("Not signed in, or the token expired.", "Error")
                answers["403"] = _answer("Signed in without the permission this needs.", "Error")
            if "{" in path or method in WRITES:
                answers["404"] = _answer("No such object (in the path or the input), or not one the caller may open.", "Error")
            if method in WRITES:
                answers["409"] = _answer("The object moved on meanwhile, or someone else was first.", "Error")
            if method in WRITES or not public_only:
                answers["429"] = _answer("Too many requests; retry after the Retry-After header's seconds.", "Error")
            for status, answer in answers.items():
                responses.setdefault(status, answer)
            for status, response in responses.items():
                if status.startswith("4") and "content" not in response:  # declared with its reason, not its body
                    response["content"] = answers.get(status, _answer("", "Error"))["content"]
                    if response.get("description") in {"", "No response body"}:
                        response["description"] = answers.get(status, {}).get("description", "")
    return result


def _model_fields(field) -> list:
    """Return the model fields a serializer field's ``source`` walks through, first to last (empty when not a model's)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    walked = []
    for name in getattr(field, "source_attrs", []):
        if model is None:
            break
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            break
        walked.append(model_field)
        model = model_field.related_model if model_field.is_relation else None
    return walked


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema typing what a read-only field answers (null through an empty relation, "" for a blank choice)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            walked = _model_fields(field)
            field.allow_blank = bool(walked) and walked[-1].blank
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if isinstance(field, serializers.Field) and field.read_only and any(f.null for f in _model_fields(field)):
            meta["nullable"] = True
        if meta.get("default") == "" and isinstance(field, (serializers.EmailField, serializers.URLField)):
            del meta["default"]  # an empty default is no e-mail address or URL, which the format would say it is
        return meta


def blank_query_values(result, generator, request, public):
    """Let each optional number, and each optional text filter with an enum or a format, take "" too (a postprocessing hook).

    A filter left empty is no filter, as an HTML form sends it (helpdesk/filters.py, the pagination class
    and the query serializers alike).
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter["in"] != "query" or parameter.get("required") or schema.get("type") not in {"string", "integer"}:
                    continue
                if schema["type"] == "integer":
                    parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
                    continue
                schema.pop("minLength", None)
                if "enum" in schema and "" not in schema["enum"]:
                    schema["enum"].append("")
                elif {"format", "pattern"} & set(schema):
                    parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
    return result


def integer_ids(result, generator, request, public):
    """Type the path's object ids, which the router matches as digits, as integers (a postprocessing hook)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter["in"] == "path" and parameter.get("schema") == {"type": "string", "pattern": r"^\d+$"}:
                    parameter["schema"] = {"type": "integer", "minimum": 1}
    return result


def _properties(result, schema: dict) -> dict:
    """Return the properties of a response schema, following one ``$ref``."""
    if "$ref" in schema:
        schema = result["components"]["schemas"].get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema.get("properties", {})


def _id_pointer(result, response: dict) -> str:
    """Return where a response carries the id of the one object it answers with ("" when it carries none)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return "$response.body#/id" if "id" in _properties(result, schema) else ""


def resource_links(result, generator, request, public):
    """Link each collection's answers to the operations on the object they name (a postprocessing hook).

    A new ticket leads to its claim, reply, transition …; a detail page to every action on the same object, and
    each action back to the detail page. A list may be empty, so it leads nowhere. Generated clients document
    the chain, and the fuzzer's stateful phase follows it.
    """
    paths = result.get("paths", {})
    for collection, operations in paths.items():
        if not collection.endswith("/") or collection.rstrip("/").endswith("}"):
            continue
        members = {}
        for path, path_operations in paths.items():
            rest = path[len(collection):]
            if not path.startswith(collection) or not rest.startswith("{") or "{" in rest[1:]:
                continue
            parameter = rest[1:rest.index("}")]
            for method, operation in path_operations.items():
                if method in WRITES | {"get"}:
                    members[operation["operationId"]] = (path, parameter, method)
        if not members:
            continue
        inherited = {name: f"$request.path.{name}" for name in _path_parameters(collection)}
        detail = {op_id for op_id, (path, parameter, method) in members.items()
                  if method == "get" and path == f"{collection}{{{parameter}}}/"}

        def link(source: dict, pointer, targets) -> None:
            for status, response in source.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                found = pointer or _id_pointer(result, response)
                if not found:
                    continue
                links = response.setdefault("links", {})
                for op_id in targets:
                    if op_id != source["operationId"]:
                        _, parameter, _ = members[op_id]
                        links[op_id] = {"operationId": op_id, "parameters": {**inherited, parameter: found}}

        if "post" in operations:
            link(operations["post"], "", members)
        for op_id, (path, parameter, method) in members.items():
            source = paths[path][method]
            link(source, f"$request.path.{parameter}", members if op_id in detail else detail)
    return result


def _path_parameters(path: str) -> list[str]:
    """Return the names of a path's parameters, in order."""
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
