"""What every API endpoint shares: who is calling, and the one error shape.

Every error answers ``{"message": str, "code": str, "errors": [{"field", "message"}]}``:
``message`` is a sentence a person can act on, ``code`` a stable word for programs.
"""

import inspect
import logging

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer

from labinov.accounts.selectors import token_has_expired, user_for_token
from labinov.core.errors import ActionError, Conflict, NotAllowed

logger = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str, errors: list | None = None):
        self.status, self.message, self.code, self.errors = status, message, code, errors or []
        super().__init__(message)


def error_body(message, code, errors=None) -> dict:
    return {"message": str(message), "code": code, "errors": errors or []}


def error_response(status, message, code, errors=None) -> JsonResponse:
    return JsonResponse(error_body(message, code, errors), status=status)


#: Ids and other integers taken as filters are bounded so that no number reaches the
#: database out of range (SQLite and PostgreSQL integers are 64-bit).
MAX_ID = 2**63 - 1

#: The largest page a list answers, and the farthest it skips.
MAX_LIMIT = 1000
MAX_OFFSET = 10**9


class Pagination(LimitOffsetPagination):
    """`limit` and `offset` of every list, bounded so that no number reaches the database
    out of range (an unbounded offset overflows SQLite's integers)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Caller(HttpBearer):
    """Authenticates by ``Authorization: Bearer <token>`` or the browser session, and lets
    anonymous callers through as ``AnonymousUser``: each endpoint's selector decides what
    they see. A session that writes must send the CSRF token, as the browser's forms do."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if header:
            scheme, _sep, raw = header.partition(" ")
            raw = raw.strip()
            user = user_for_token(raw) if scheme.lower() == "bearer" and raw else None
            if user is None and raw and token_has_expired(raw):
                raise ApiError(
                    401,
                    _("The API token has expired. Create a new one on your account page."),
                    "token_expired",
                )
            if user is None:
                raise ApiError(
                    401,
                    _("The API token is invalid or revoked. Create one on your account page."),
                    "invalid_token",
                )
            return user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in SAFE_METHODS:
                reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
                if reason is not None:
                    raise ApiError(
                        403,
                        _("The CSRF token is missing: send it, or use an API token."),
                        "csrf_failed",
                    )
            return user
        return AnonymousUser()

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


def require_login(request):
    if not request.auth.is_authenticated:
        raise ApiError(401, _("Log in or send an API token to do this."), "not_authenticated")
    return request.auth


#: Parts of a pydantic error location that say where, not which field.
_LOCATIONS = {"body", "payload", "query", "path", "form"}


def _field_of(loc) -> str:
    """The field a pydantic error names: its location without the leading part that says
    where (``query``, ``body`` and the body's parameter name), so that a field that happens
    to be called ``form`` keeps its name."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts)


def _validation_message(error: dict) -> str:
    """The pydantic error in the user's language, for the kinds of error a caller makes."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "int_parsing": _("Give a whole number."),
        "int_type": _("Give a whole number."),
        "float_parsing": _("Give a number."),
        "bool_parsing": _("Give true or false."),
        "string_type": _("Give text."),
        "date_from_datetime_parsing": _("Give a date as YYYY-MM-DD."),
        "date_parsing": _("Give a date as YYYY-MM-DD."),
        "json_invalid": _("The body is not valid JSON."),
        "model_attributes_type": _("Send a JSON object."),
        "dict_type": _("Send a JSON object."),
        "list_type": _("Give a list."),
    }
    if kind in messages:
        return str(messages[kind])
    if kind == "enum":
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Give a value of at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Give a value of at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "string_too_long":
        return _("Use at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "value_error":
        # Our own validators raise translated messages; pydantic prefixes them.
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return str(error.get("msg", ""))


def install_error_handlers(api) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request, exc):
        return error_response(exc.status, exc.message, exc.code, exc.errors)

    @api.exception_handler(ValidationError)
    def _validation(request, exc):
        errors = [
            {
                "field": _field_of(e.get("loc", ())),
                "message": _validation_message(e),
            }
            for e in exc.errors
        ]
        message = _("The request is not valid: %(errors)s") % {
            "errors": "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        }
        return error_response(422, message, "invalid", errors)

    @api.exception_handler(ModelValidationError)
    def _model_validation(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": "" if field == "__all__" else field, "message": str(message)}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "", "message": str(m)} for m in exc.messages]
        message = "; ".join(e["message"] for e in errors)
        return error_response(422, message, "invalid", errors)

    @api.exception_handler(OverflowError)
    def _overflow(request, exc):
        # A number too large for the database that no parameter bound caught.
        return error_response(422, _("A number in the request is out of range."), "invalid")

    @api.exception_handler(ActionError)
    def _action_error(request, exc):
        errors = [{"field": exc.field, "message": str(exc.message)}] if exc.field else []
        return error_response(400, exc.message, "refused", errors)

    @api.exception_handler(Conflict)
    def _conflict(request, exc):
        errors = [{"field": exc.field, "message": str(exc.message)}] if exc.field else []
        return error_response(409, exc.message, "conflict", errors)

    @api.exception_handler(NotAllowed)
    def _not_allowed(request, exc):
        return error_response(403, exc.message, "forbidden")

    @api.exception_handler(PermissionDenied)
    def _permission_denied(request, exc):
        return error_response(403, _("You are not allowed to do this."), "forbidden")

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(
            401, _("Log in or send an API token to do this."), "not_authenticated"
        )

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(404, _("Not found: check the address and the id."), "not_found")

    @api.exception_handler(ObjectDoesNotExist)
    def _does_not_exist(request, exc):
        return _not_found(request, exc)

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        return error_response(exc.status_code, str(exc), "error")

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        from labinov.core.busy import busy_response, is_busy

        if is_busy(exc):  # 503 with Retry-After: try again in a few seconds
            logger.warning("API: database busy on %s: %s", request.path, exc)
            return busy_response(request)
        logger.exception("API error on %s", request.path)
        return error_response(
            500, _("Something went wrong on our side. Try again later."), "server_error"
        )


_ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["message", "code", "errors"],
    "properties": {
        "message": {"type": "string", "description": "a sentence a person can act on"},
        "code": {"type": "string", "description": "a stable word for programs"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
_ERROR_DESCRIPTIONS = {
    400: "Refused: the action is not possible as asked, or the request holds a NUL "
    "character (the message says which).",
    401: "The API token is invalid, revoked or expired (`token_expired`), or the operation "
    "needs a logged-in caller.",
    403: "The caller may not do this (or a session sent no CSRF token).",
    404: "Not found, or not visible to the caller.",
    409: "Conflict: the request was based on a state that has changed meanwhile (another "
    "decision came first); nothing is changed. Read the current state and decide again.",
    414: "The path and query string are longer than 4000 characters (`uri_too_long`).",
    422: "The request is not valid: `errors` names each field and what is wrong.",
    503: "The database cannot be reached.",
}
_WRITES = {"post", "put", "patch", "delete"}


def _needs_login(view_func) -> bool:
    """Whether an endpoint refuses anonymous callers itself (calls ``require_login``)."""
    return "require_login" in inspect.unwrap(view_func).__code__.co_names


def document_optional_auth(api, schema: dict) -> dict:
    """``Caller`` lets anonymous callers through and each endpoint decides: an endpoint
    that does not call ``require_login`` answers anonymous callers too, so its security
    says the token is optional (``[{}, {"Caller": []}]``); one that does keeps requiring it."""
    login_only = {
        f"{op.view_func.__module__.replace('.', '_')}_{op.view_func.__name__}"
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for op in path_view.operations
        if _needs_login(op.view_func)
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            security = operation.get("security") if isinstance(operation, dict) else None
            if security and operation.get("operationId") not in login_only and {} not in security:
                operation["security"] = [{}, *security]
    return schema


def error_responses(*statuses: int) -> dict:
    """``openapi_extra`` for an operation that may answer error statuses that
    ``document_errors`` cannot tell from its shape: 409 (see ``Conflict``), 404 for an id
    given in the body."""
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "responses": {
            str(status): {"description": _ERROR_DESCRIPTIONS[status], "content": ref}
            for status in statuses
        }
    }


def conflict_response() -> dict:
    """``openapi_extra`` for an operation that may answer 409 (see ``Conflict``)."""
    return error_responses(409)


def document_errors(schema: dict) -> dict:
    """Declare the one error shape in an OpenAPI description, and on each operation the
    error statuses it can answer, so that clients (and the schemathesis test) know them:
    401 and 403 where the caller is authenticated, 400 on writes and wherever a parameter
    could carry a NUL character, 404 with path parameters, 422 with any parameters or
    body, 414 on every operation (core.middleware.RejectLongUriMiddleware), 503 for the
    health check."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "head", *_WRITES}:
                continue
            statuses = {414}  # any operation, called with a long enough query string
            if operation.get("security"):
                statuses |= {401, 403}
            if path.endswith("/health"):
                statuses.add(503)
            if "{" in path:
                statuses.add(404)
            if method in _WRITES or operation.get("parameters") or operation.get("requestBody"):
                statuses.add(400)  # refused actions; NUL characters (core.middleware)
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add(422)
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}
            for status in sorted(statuses):
                if str(status) not in declared:
                    responses[status] = {"description": _ERROR_DESCRIPTIONS[status], "content": ref}
    return schema
