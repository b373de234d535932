"""The one settings module. Every value a deployment may change is read from an
environment variable through ``env()``, which also records the variable's name so
that ``tests/core/test_settings.py`` can fail when one is missing from
``.env.example``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

PACKAGE_DIR = Path(__file__).resolve().parent

#: Names of every environment variable this module reads (checked against .env.example).
READ_VARIABLES: set[str] = set()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str = "") -> str:
    READ_VARIABLES.add(name)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "true" if default else "false").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("LABINOV_DATA_DIR", str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; on a single machine without one, a key kept in
    the data folder so that sessions survive a restart. Several machines must share one
    through the environment."""
    key = env("SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

#: The one production switch: the site is served over HTTPS only, by a proxy in front that
#: terminates HTTPS and sets X-Forwarded-Proto (and drops any such header a client sends).
#: It makes the cookies HTTPS-only, redirects plain HTTP to HTTPS, sends HSTS and trusts
#: the proxy's X-Forwarded-Proto. See docs/operations.md.
HTTPS = env_bool("LABINOV_HTTPS", False)
#: Names replaced by LABINOV_HTTPS that keep their old, narrower meaning; a system check
#: (labinov.core.checks) warns while one of them is set.
DEPRECATED_VARIABLES = {
    name: env_bool(name, False) for name in ("LABINOV_SECURE_COOKIES", "LABINOV_BEHIND_HTTPS_PROXY")
}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = (
    HTTPS or DEPRECATED_VARIABLES["LABINOV_SECURE_COOKIES"]
)
if HTTPS or DEPRECATED_VARIABLES["LABINOV_BEHIND_HTTPS_PROXY"]:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
#: Load balancers ask the health endpoint over plain HTTP, straight from the machine.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
#: Seconds browsers remember to use HTTPS only (HSTS), for this host and its subdomains.
SECURE_HSTS_SECONDS = int(env("LABINOV_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
#: The preload list takes registrable domains only (an installation usually runs on a
#: subdomain of a government domain): the directive is sent only when asked for.
SECURE_HSTS_PRELOAD = env_bool("LABINOV_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # SECURE_HSTS_PRELOAD, see just above
# No script reads a cookie: htmx sends the CSRF token from the page (base.html).
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

INSTALLED_APPS = [
    # Labinov's apps first: their Indonesian wording wins over Django's for the same text.
    "labinov.core",
    "labinov.accounts",
    "labinov.regions",
    "labinov.lab",
    "labinov.innovations",
    "labinov.library",
    "labinov.opendata",
    "labinov.index",
    "labinov.portal",
    "labinov.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    # With "ninja" installed, /api/v1/docs serves Swagger UI from the app's own static
    # files instead of a CDN (offices without internet see the docs too).
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "labinov.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "labinov.core.middleware.ApiErrorShapeMiddleware",
    "labinov.core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "labinov.core.middleware.LanguageMiddleware",
    "labinov.core.middleware.RejectLongUriMiddleware",
    "labinov.core.middleware.RequireJsonObjectMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "labinov.urls"
WSGI_APPLICATION = "labinov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "labinov.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'labinov.sqlite3'}"),
        conn_max_age=int(env("LABINOV_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one SQLite file: wait for locks instead of failing
    # (up to LABINOV_SQLITE_BUSY_TIMEOUT seconds; past it the person gets a 503 asking to
    # try again, core/busy.py), and let readers proceed while one writer writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": float(env("LABINOV_SQLITE_BUSY_TIMEOUT", "20")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["labinov.accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"

# Throttling of logins and password-reset requests (accounts/throttle.py). The counts are
# kept in the database, so they hold across every web process and machine.
#: Failed logins of one account, and from one client address, before a lockout.
LOGIN_FAILURES_PER_ACCOUNT = int(env("LABINOV_LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(env("LABINOV_LOGIN_FAILURES_PER_ADDRESS", "20"))
#: Minutes over which failures are counted, and for which a lockout holds.
LOGIN_LOCKOUT_MINUTES = int(env("LABINOV_LOGIN_LOCKOUT_MINUTES", "15"))
#: Password-reset requests per hour for one e-mail address, and from one client address.
PASSWORD_RESETS_PER_EMAIL = int(env("LABINOV_PASSWORD_RESETS_PER_EMAIL", "3"))
PASSWORD_RESETS_PER_ADDRESS = int(env("LABINOV_PASSWORD_RESETS_PER_ADDRESS", "10"))
#: Citizens' proposals accepted per hour from one client address (portal/, no account).
PROPOSALS_PER_ADDRESS = int(env("LABINOV_PROPOSALS_PER_ADDRESS", "5"))
#: How many proxies in front of the app append to X-Forwarded-For. 0: the client address
#: is the connection's (REMOTE_ADDR) and the header, which anyone can send, is ignored.
TRUSTED_PROXY_COUNT = int(env("LABINOV_TRUSTED_PROXY_COUNT", "0"))

#: Days an API token is valid unless its creator chooses fewer, and the most they may choose.
API_TOKEN_DAYS = int(env("LABINOV_API_TOKEN_DAYS", "90"))
API_TOKEN_MAX_DAYS = int(env("LABINOV_API_TOKEN_MAX_DAYS", "365"))
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
#: Collected static files; several installations on one machine (or a test run's servers)
#: may share one folder, collected once (core/staticfiles.py).
STATIC_ROOT = Path(env("LABINOV_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, pre-compressed files; `labinov serve` runs collectstatic before serving.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
#: Source maps are for browser developer tools only: served as they are, not compressed
#: (compressing Swagger's maps was half of collectstatic's time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

#: Largest upload of each kind, in MB: photos; documents (scans, decrees, evidence: PDF,
#: office files); knowledge-base import files. A form refuses a larger file with a message.
MAX_IMAGE_MB = int(env("LABINOV_MAX_IMAGE_MB", "10"))
MAX_DOCUMENT_MB = int(env("LABINOV_MAX_DOCUMENT_MB", "20"))
MAX_IMPORT_MB = int(env("LABINOV_MAX_IMPORT_MB", "100"))
#: Largest photo in pixels (width x height) that is decoded: more is refused as a
#: decompression bomb, a small file that would take gigabytes of memory to open.
MAX_IMAGE_PIXELS = int(env("LABINOV_MAX_IMAGE_PIXELS", "40000000"))
#: Uploads above this size are written to a temporary file instead of held in memory;
#: a request's fields other than files may not exceed the second (Django's defaults).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
#: Uploads beyond the largest limit above are not written to disk past it (core/uploads).
FILE_UPLOAD_HANDLERS = [
    "labinov.core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Labinov <noreply@labinov.invalid>")
# The address people reach Labinov at, for links in e-mails sent without a request (the
# daily digest of notifications).
LABINOV_SITE_URL = env("LABINOV_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (knowledge-base imports): django-tasks with its database backend, so it
# runs on SQLite alone and spreads over `labinov db_worker` processes on PostgreSQL.
TASKS = {
    "default": {
        "BACKEND": env("LABINOV_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
#: Seconds `labinov serve` gives a busy worker to finish its task when stopping, and again
#: after cutting the task short (see core/supervisor.py).
WORKER_STOP_SECONDS = float(env("LABINOV_WORKER_STOP_SECONDS", "8"))

#: Limits of one harvest of another installation's open feed (docs/opendata.md): bytes of
#: one page, changes in all, and seconds for the whole harvest.
LABINOV_HARVEST_MAX_PAGE_BYTES = int(env("LABINOV_HARVEST_MAX_PAGE_BYTES", str(5 << 20)))
LABINOV_HARVEST_MAX_ITEMS = int(env("LABINOV_HARVEST_MAX_ITEMS", "200000"))
LABINOV_HARVEST_SECONDS = float(env("LABINOV_HARVEST_SECONDS", "120"))

#: Sentence embeddings that re-rank knowledge-base searches: "auto" uses them when the
#: optional package is installed (`pip install 'labinov[embeddings]'`), "off" never.
LIBRARY_EMBEDDINGS = env("LABINOV_EMBEDDINGS", "auto")
#: Niceness of a background worker while it does bulk work (embedding a knowledge base):
#: 19, the lowest priority, lets the web server have the CPU whenever it needs it.
BACKGROUND_NICE = int(env("LABINOV_BACKGROUND_NICE", "19"))
#: Seconds a bulk task pauses between two batches, so that other work gets the database
#: and the CPU in between (each batch is committed on its own).
BACKGROUND_PAUSE = float(env("LABINOV_BACKGROUND_PAUSE", "0.05"))

#: Most records a knowledge-base search reads and scores in Python in its last fetch (the
#: database's own best matches first). Below it the top k is exact; above it the answer is
#: the best of those records, so that a search's cost stays bounded (docs/search.md).
LIBRARY_SEARCH_MAX_CANDIDATES = int(env("LABINOV_SEARCH_MAX_CANDIDATES", "3000"))
#: The embedded inverted index (tantivy) that proposes the candidates of large knowledge
#: bases ("on"; "off": the database's full-text index alone), and its folder, shared by
#: every process of the installation (library/search/textindex.py, docs/search.md).
LIBRARY_SEARCH_INDEX = env("LABINOV_SEARCH_INDEX", "on")
LIBRARY_SEARCH_INDEX_DIR = Path(
    env("LABINOV_SEARCH_INDEX_DIR", str(DATA_DIR / "search-index"))
).resolve()

#: gunicorn worker processes of `labinov serve`.
WEB_CONCURRENCY = int(env("WEB_CONCURRENCY", "3"))

SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

#: The Content-Security-Policy header of every response (labinov.core.middleware): only
#: the app's own scripts, styles, images and forms; no inline script, no eval, no frames.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LABINOV_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
