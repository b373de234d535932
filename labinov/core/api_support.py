"""What every API endpoint shares: who is calling, and the one error shape.

Every error answers ``{"message": str, "code": str, "errors": [{"field", "message"}]}``:
``message`` is a sentence a person can act on, ``code`` a stable word for programs.
"""

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

from labinov.accounts.selectors import user_for_token
from labinov.core.errors import ActionError, NotAllowed

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
            user = user_for_token(raw.strip()) if scheme.lower() == "bearer" and raw else None
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


def install_error_handlers(api) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request, exc):
        return error_response(exc.status, exc.message, exc.code, exc.errors)

    @api.exception_handler(ValidationError)
    def _validation(request, exc):
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "payload")),
                "message": e.get("msg", ""),
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

    @api.exception_handler(ActionError)
    def _action_error(request, exc):
        errors = [{"field": exc.field, "message": str(exc.message)}] if exc.field else []
        return error_response(400, exc.message, "refused", errors)

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
        logger.exception("API error on %s", request.path)
        return error_response(
            500, _("Something went wrong on our side. Try again later."), "server_error"
        )
