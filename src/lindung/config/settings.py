"""Settings read from the environment.

SQLite file by default (the embedded demo database); ``DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
from django.contrib.messages import constants as message_levels
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINDUNG_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("LINDUNG_DEBUG", False)
# Shows the demo accounts on the login page; never set in production.
LINDUNG_DEMO = env_bool("LINDUNG_DEMO", False)
# The public demo key serves only a local first run (LINDUNG_DEMO or LINDUNG_DEBUG), tests and
# commands; a server refuses to start with it (lindung.config.guard, docs/operations.md).
DEMO_SECRET_KEY = "insecure-lindung-demo-key-change-me"  # noqa: S105 - public on purpose
SECRET_KEY = os.environ.get("LINDUNG_SECRET_KEY") or DEMO_SECRET_KEY
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("LINDUNG_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("LINDUNG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "lindung.core",
    "lindung.accounts",
    "lindung.regions",
    "lindung.registry",
    "lindung.notifications",
    "lindung.contributions",
    "lindung.coverage",
    "lindung.programmes",
    "lindung.compliance",
    "lindung.sponsorship",
    "lindung.registrations",
    "lindung.publicworkers",
    "lindung.award",
    "lindung.demo",
]

# Bootstrap names the error style "danger".
MESSAGE_TAGS = {message_levels.ERROR: "danger"}

MIDDLEWARE = [
    "lindung.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindung.core.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Control characters in a query string or a form/JSON body: 400 before the view reads them.
    "lindung.core.text.ControlCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out (username, address) before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "lindung.config.urls"
WSGI_APPLICATION = "lindung.config.wsgi.application"
ASGI_APPLICATION = "lindung.config.asgi.application"

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
                "lindung.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'lindung.sqlite3'}",
        conn_max_age=int(os.environ.get("LINDUNG_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while an import writes; busy timeout instead of "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The container image collects into its own folder, outside the var volume (Dockerfile).
STATIC_ROOT = Path(os.environ.get("LINDUNG_STATIC_ROOT") or VAR_DIR / "static")
# WhiteNoise warns on every start when the folder is missing.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end assets come from installed PyPI packages (XStatic), never from a CDN.
STATICFILES_DIRS = [
    # bootstrap-wrapper installs Bootstrap's dist folder as the data-only package "bootstrap".
    (
        "vendor/bootstrap",
        next(iter(importlib.util.find_spec("bootstrap").submodule_search_locations)),
    ),
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Serve straight from the finders so a fresh checkout needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated API call gets 401 with a WWW-Authenticate header;
        # tokens expire after API_TOKEN_DAYS.
        "lindung.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lindung.core.api.CodeCursorPagination",
    "PAGE_SIZE": 100,
    # FilterSets that answer 400 to a parameter they do not declare (lindung.core.api).
    "DEFAULT_FILTER_BACKENDS": ["lindung.core.api.StrictFilterBackend"],
    # drf-spectacular's schema plus the error answers each operation can give.
    "DEFAULT_SCHEMA_CLASS": "lindung.core.schema.AutoSchema",
    # Per authenticated user and per anonymous address, counted in the default cache (per
    # process: with N server workers the effective limit is up to N times the rate).
    "DEFAULT_THROTTLE_CLASSES": [
        "lindung.accounts.throttling.AnonRateThrottle",
        "lindung.accounts.throttling.UserRateThrottle",
    ],
    # Without a proxy the client's own X-Forwarded-For must not choose its throttle bucket.
    "NUM_PROXIES": 1 if env_bool("LINDUNG_BEHIND_PROXY", False) else 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("LINDUNG_API_RATE_ANON", "60/minute"),
        "user": os.environ.get("LINDUNG_API_RATE_USER", "1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lindung API",
    "DESCRIPTION": "Jamsostek coverage platform: regions, registry, coverage, programmes, award.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per shared choice set, instead of hashed names (KindDfdEnum).
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "lindung.regions.models.Kind",
        "EmployerStatusEnum": "lindung.registry.models.EmployerStatus",
        "CaseStepEnum": "lindung.compliance.models.Step",
        "BillStatusEnum": "lindung.contributions.models.BillStatus",
        "SelectionRunStatusEnum": "lindung.programmes.models.selection.RunStatus",
        "ProgrammeStatusEnum": "lindung.programmes.models.plans.ProgrammeStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "lindung.core.middleware.RequestIdLogFilter"},
        # A refusal (403, 404) is one line, without a traceback; a 500 keeps its traceback.
        "refusal_without_traceback": {"()": "lindung.core.logging.RefusalWithoutTraceback"},
    },
    "formatters": {
        # No 16-digit run (a NIK) reaches a log line, whoever logged it (docs/privacy.md).
        "plain": {
            "()": "lindung.core.logging.PersonalDataFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LINDUNG_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; fontTools, every font subset.
    "loggers": {
        # Django's own loggers (requests, the development server's access log) through the
        # masking formatter too, not through Django's default handlers.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Its records reach the console through "django" (no handlers of its own).
        "django.request": {"filters": ["refusal_without_traceback"]},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LINDUNG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("LINDUNG_SESSION_AGE", 8 * 3600)  # one working day
X_FRAME_OPTIONS = "DENY"
# Behind the TLS proxy of docs/operations.md; all off for a local demo on plain HTTP.
SECURE_SSL_REDIRECT = env_bool("LINDUNG_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("LINDUNG_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LINDUNG_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("LINDUNG_HSTS_PRELOAD", False)
if env_bool("LINDUNG_BEHIND_PROXY", False):
    # Only when the proxy sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our own static files (or with the
# request's nonce); no frames, no plugins, no form posts elsewhere. Inline style attributes stay
# allowed: the server-rendered SVG charts and a few layout hints use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'nonce-{nonce}'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# Login throttling (django-axes): after this many failures for one username from one address
# that pair is locked out for the cool-off time; an administrator can unlock it earlier.
AXES_FAILURE_LIMIT = env_int("LINDUNG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LINDUNG_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page in the site's layout, in both languages (429 with Retry-After).
AXES_LOCKOUT_CALLABLE = "lindung.accounts.views.locked_out"
AXES_VERBOSE = False
# The address as the proxy reports it, only when one is configured (LINDUNG_BEHIND_PROXY).
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env_bool("LINDUNG_BEHIND_PROXY", False)
    else ["REMOTE_ADDR"]
)

# API tokens expire this many days after they are made (0: never); a user can revoke theirs.
API_TOKEN_DAYS = env_int("LINDUNG_API_TOKEN_DAYS", 90)

# Background jobs (docs/ARCHITECTURE.md "Jobs"): django-tasks with its database backend, run by
# `lindung worker`; no server beside the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Run jobs in the caller instead of the worker (tests, one-off scripts).
LINDUNG_JOBS_INLINE = env_bool("LINDUNG_JOBS_INLINE", False)
# How often a worker says it is alive (seconds), and after how long without a sign it is
# taken for gone: its jobs are queued again and /healthz answers 503.
LINDUNG_WORKER_BEAT = env_int("LINDUNG_WORKER_BEAT_SECONDS", 5)
LINDUNG_WORKER_LOST_AFTER = env_int("LINDUNG_WORKER_LOST_AFTER_SECONDS", 60)
# Whether /healthz answers 503 when no worker is alive (off for a web-only check).
LINDUNG_HEALTH_WORKER = env_bool("LINDUNG_HEALTH_WORKER", True)
# Files jobs make for their owner (large exports, reports): where they live, and how many hours
# after the job ended the hourly purge deletes them (docs/privacy.md "What Lindung keeps").
LINDUNG_JOB_FILES_DIR = Path(os.environ.get("LINDUNG_JOB_FILES_DIR") or VAR_DIR / "job-files")
LINDUNG_JOB_FILE_HOURS = env_int("LINDUNG_JOB_FILE_HOURS", 24)
# A registry export larger than this many rows is written by the worker (a job with a download)
# instead of streaming in the request.
LINDUNG_EXPORT_INLINE_ROWS = env_int("LINDUNG_EXPORT_INLINE_ROWS", 10_000)
# The branch's registration file with more requests than this is made by the worker.
LINDUNG_REGISTRATION_FILE_INLINE_ROWS = env_int("LINDUNG_REGISTRATION_FILE_INLINE_ROWS", 2_000)
# Notifications (docs/notifications.md): e-mail through Django's backends (the demo writes them
# to files under var/mail), SMS/WhatsApp through a gateway class (the console gateway logs a
# masked number only).
EMAIL_BACKEND = os.environ.get(
    "LINDUNG_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if LINDUNG_DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("LINDUNG_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("LINDUNG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LINDUNG_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("LINDUNG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LINDUNG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LINDUNG_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("LINDUNG_EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("LINDUNG_EMAIL_FROM", "Lindung <noreply@localhost>")
# Absolute links in e-mails and messages (the public address behind the reverse proxy).
LINDUNG_SITE_URL = os.environ.get("LINDUNG_SITE_URL", "http://localhost:8000")
LINDUNG_SMS_BACKEND = os.environ.get(
    "LINDUNG_SMS_BACKEND", "lindung.notifications.channels.ConsoleGateway"
)
# Functions the worker calls on every heartbeat, beside its jobs (cheap when idle).
LINDUNG_WORKER_ROUNDS = ["lindung.notifications.services.deliver_pending"]
# The declared schedules (a dotted path to a list of core.jobs.schedules.Schedule).
LINDUNG_SCHEDULES = "lindung.config.schedules.SCHEDULES"
# When the nightly compliance checks run (cron, five fields).
LINDUNG_COMPLIANCE_CRON = os.environ.get("LINDUNG_COMPLIANCE_CRON", "0 2 * * *")

# Uploads: the largest file accepted by the import page and the API, and the limits an XLSX
# must keep before openpyxl opens it (uncompressed total and largest member; zip bombs).
IMPORT_MAX_UPLOAD_BYTES = env_int("LINDUNG_IMPORT_MAX_UPLOAD_MB", 200) * 1024 * 1024
IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = env_int("LINDUNG_XLSX_MAX_UNCOMPRESSED_MB", 1024) * 1024**2
IMPORT_XLSX_MAX_MEMBER_BYTES = env_int("LINDUNG_XLSX_MAX_MEMBER_MB", 512) * 1024 * 1024
# Django keeps larger request bodies on disk rather than in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Raw uploaded extracts are deleted when their job ends; a job's SHA-256, counters and reject
# report stay. A failed job keeps its file this many days so it can be retried (docs/privacy.md).
IMPORT_RETENTION_DAYS = env_int("LINDUNG_IMPORT_RETENTION_DAYS", 7)
IMPORT_FILES_DIR = VAR_DIR / "imports"

# Location of the reference data shipped with the package (copied from shared/data with licence).
LINDUNG_REFERENCE_DATA = Path(
    os.environ.get("LINDUNG_REFERENCE_DATA", PACKAGE_DIR / "regions" / "data")
)

# The region whose public dashboard /cakupan/ opens (Lampung for the demo).
COVERAGE_HOME_REGION = os.environ.get("LINDUNG_HOME_REGION", "18")
# Coverage facts (issue 4): kept from this month on; recomputed for the months an import touched.
COVERAGE_FIRST_MONTH = os.environ.get("LINDUNG_COVERAGE_FIRST_MONTH", "2021-01")
COVERAGE_REFRESH_AFTER_IMPORT = True
# Denominator used when none is asked for, in order of preference (PopulationKind codes).
COVERAGE_DEFAULT_DENOMINATORS = ("bpjs_potential_workers", "bps_employed_persons")
# The informal-worker population the BPU gap is measured against.
COVERAGE_INFORMAL_DENOMINATOR = "bps_informal_workers"
# Public figures below this many persons are shown as "< 10" (issue 4 §5).
COVERAGE_PUBLIC_MIN_CELL = 10

# Funding sources whose use for contributions is legally contested (docs/domain.md §5.1): a
# programme
# paid from them needs a legal reviewer's FundingSourceYear for its fiscal year.
PROGRAMME_SOURCES_NEEDING_APPROVAL = ("dana_desa",)
# Occupation → risk 1–5 for the "riskiest occupations first" priority rule: Lindung's default
# ordering (no official table exists), replaceable per deployment.
PROGRAMME_OCCUPATION_RISK_FILE = os.environ.get(
    "LINDUNG_OCCUPATION_RISK_FILE", str(PACKAGE_DIR / "programmes" / "data" / "occupation_risk.csv")
)
