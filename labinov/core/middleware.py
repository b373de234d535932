from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from labinov.core.api_support import error_body

API_PREFIX = "/api/"
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
