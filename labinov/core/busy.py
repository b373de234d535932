"""A busy database answers 503 with Retry-After, never a 500.

Writes are kept short so that they wait for each other instead of failing: SQLite's busy
timeout (``LABINOV_SQLITE_BUSY_TIMEOUT``, 20 s) makes a writer wait while another holds the
lock, and a large import holds it only for its short writing step (``library/actions.py``).
When a write still finds the database busy past that wait (SQLite's "database is locked";
PostgreSQL's lock timeout, deadlock or serialization failure), the person is told so in
words they can act on, with a 503 and ``Retry-After``, instead of Django's 500 page: a
page for the browser, the API's one JSON error shape for ``/api/``.

Django calls ``handler500`` (set in ``labinov/urls.py``) for any exception a request
raises, in a view or in a middleware (a session saved at the end of a request too),
while the exception is being handled; ``server_error`` looks at it there.
"""

import sys

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error as default_server_error

from labinov.core.api_support import error_body

#: Seconds a client is asked to wait before it tries again.
RETRY_AFTER = 5
BUSY_MESSAGE = _(
    "The server is busy with other work (for example a large import into the knowledge "
    "base), so what you sent may not have been saved. Please try again in a few seconds."
)
#: PostgreSQL: lock_not_available, deadlock_detected, serialization_failure.
_POSTGRES_BUSY = {"55P03", "40P01", "40001"}


def is_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it was raised from) says the database was busy."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError):
            text = str(exc).lower()
            if "database is locked" in text or "database table is locked" in text:
                return True
        if getattr(exc, "sqlstate", None) in _POSTGRES_BUSY:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def busy_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(BUSY_MESSAGE, "busy"), status=503)
    else:
        html = render_to_string("503.html", {"message": BUSY_MESSAGE, "lang": get_language()})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request, template_name="500.html"):
    """Django's 500 page, or a 503 when the database was busy."""
    if is_busy(sys.exc_info()[1]):
        return busy_response(request)
    return default_server_error(request, template_name)
