"""The API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from ninja import NinjaAPI, Swagger

from labinov.accounts.api import router as accounts_router
from labinov.core.api import router as core_router
from labinov.core.api_support import (
    Caller,
    document_errors,
    document_optional_auth,
    install_error_handlers,
)
from labinov.index.api import router as index_router
from labinov.innovations.api import router as innovations_router
from labinov.lab.api import router as lab_router
from labinov.lab.api_diagnose import router as diagnose_router
from labinov.library.api import router as library_router
from labinov.opendata.api import router as opendata_router
from labinov.portal.api import router as portal_router
from labinov.regions.api import router as regions_router


class ApiDocs(Swagger):
    """Swagger UI from this site's own files, in a page that passes axe
    (``core/api_docs.html``). Deep links are off: Swagger UI puts each one, a link, inside
    the operation's button, which axe reports as ``nested-interactive``."""

    template = "core/api_docs.html"


class LabinovAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        return document_errors(document_optional_auth(self, schema))


api = LabinovAPI(
    title="Labinov API",
    version="1",
    description=(
        "Laboratorium Inovasi. Authenticate with `Authorization: Bearer <token>` (create a "
        "token on your account page) or the browser session. Lists answer "
        '`{"count", "items"}` and take `limit` and `offset`; errors answer '
        '`{"message", "code", "errors"}`.'
    ),
    auth=Caller(),
    urls_namespace="api",
    docs=ApiDocs(settings={"deepLinking": False}),
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", regions_router)
api.add_router("/", lab_router)
api.add_router("/", diagnose_router)
api.add_router("/", innovations_router)
api.add_router("/", library_router)
api.add_router("/", opendata_router)
api.add_router("/", index_router)
api.add_router("/", portal_router)
