import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from labinov.core.api_support import error_body

API_PREFIX = "/api/"
NUL_MESSAGE = _("The request contains a NUL character (%00), which no text may hold.")

_MESSAGES = {
    400: (_("The request is not valid."), "invalid"),
    403: (_("You are not allowed to do this."), "forbidden"),
    404: (_("Not found: check the address and the id."), "not_found"),
    405: (_("This method is not allowed here."), "method_not_allowed"),
}


class ApiErrorShapeMiddleware:
    """Errors raised outside an endpoint (unknown path, wrong method, CSRF) answer the
    API's one JSON error shape too, never an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message, code = _MESSAGES.get(response.status_code, (_("The request failed."), "error"))
            new = JsonResponse(error_body(message, code), status=response.status_code)
            if response.has_header("Allow"):
                new["Allow"] = response["Allow"]
            return new
        return response


class RejectNulCharactersMiddleware:
    """No text may hold a NUL character: PostgreSQL refuses it, so it would fail deep in
    a query. Refuse it at the door with a message instead, for pages and the API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or any(
                "\x00" in key or "\x00" in value
                for key, values in request.GET.lists()
                for value in values
            )
            or (request.content_type == "application/json" and b"\\u0000" in request.body)
        ):
            if request.path.startswith(API_PREFIX):
                return JsonResponse(error_body(NUL_MESSAGE, "invalid"), status=400)
            return HttpResponseBadRequest(NUL_MESSAGE)
        return self.get_response(request)


#: The longest path and query string answered; longer ones answer 414. Below the request
#: line gunicorn accepts (4094 bytes), so that the app, not the server, answers first.
MAX_URI_LENGTH = 4000


class RejectLongUriMiddleware:
    """A path and query string past ``MAX_URI_LENGTH`` answers 414 URI Too Long, with a
    sentence a person can act on (the API's one error shape under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.get_full_path()) > MAX_URI_LENGTH:
            message = _(
                "The address is too long (more than %(n)s characters): shorten the search "
                "or the filters."
            ) % {"n": MAX_URI_LENGTH}
            if request.path.startswith(API_PREFIX):
                return JsonResponse(error_body(message, "uri_too_long"), status=414)
            return HttpResponse(message, status=414, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequireJsonObjectMiddleware:
    """Every JSON body the API takes is an object. Any other JSON value (``[null, null]``,
    a number, ``null``) answers 422 in the one error shape instead of being read as an
    object with no fields (which a change with only optional fields would accept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(API_PREFIX)
            and request.method in ("POST", "PUT", "PATCH", "DELETE")
            and request.content_type == "application/json"
            and request.body.strip()
        ):
            try:
                data = json.loads(request.body)
            except ValueError:
                data = {}  # not JSON at all: the API's own parser answers that
            if not isinstance(data, dict):
                message = _("Send a JSON object.")
                return JsonResponse(
                    error_body(
                        _("The request is not valid: %(errors)s") % {"errors": message},
                        "invalid",
                        [{"field": "", "message": str(message)}],
                    ),
                    status=422,
                )
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the person chose English with the selector in the footer
    (a cookie). A browser's own language is not asked: many officials' browsers say
    English while they work in Indonesian. API callers may still ask by Accept-Language."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
            if request.path.startswith(API_PREFIX):
                chosen = translation.get_language_from_request(request)
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


def content_security_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` on every response (pages, the API, files):
    a browser then runs only the app's own script files, so text that slips into a page
    cannot run as script. Django's debug pages (DEBUG only) keep their inline styles."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = content_security_policy(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            return response
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
