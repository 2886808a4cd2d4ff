"""The OpenAPI schema's error answers: every operation documents the statuses the error layer gives it."""

ERROR = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}},
         "description": "Every error that is not about one field of the input."}
FIELD_ERRORS = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
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
            if "{" in path:
                answers["404"] = _answer("No such object, or not one the caller may open.", "Error")
            if method in WRITES:
                answers["409"] = _answer("The object moved on meanwhile, or someone else was first.", "Error")
                answers["429"] = _answer("Too many requests; retry after the Retry-After header's seconds.", "Error")
            for status, answer in answers.items():
                responses.setdefault(status, answer)
    return result
