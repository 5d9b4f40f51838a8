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


DEBUG = env_bool("LINDUNG_DEBUG", False)
# The demo key is only for a local first run; production sets LINDUNG_SECRET_KEY.
SECRET_KEY = os.environ.get("LINDUNG_SECRET_KEY", "insecure-lindung-demo-key-change-me")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("LINDUNG_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("LINDUNG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
# Shows the demo accounts on the login page; never set in production.
LINDUNG_DEMO = env_bool("LINDUNG_DEMO", False)

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
    "lindung.core",
    "lindung.accounts",
    "lindung.regions",
    "lindung.registry",
    "lindung.contributions",
    "lindung.coverage",
    "lindung.programmes",
    "lindung.compliance",
    "lindung.sponsorship",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
STATIC_ROOT = VAR_DIR / "static"
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
        # Token first, so an unauthenticated API call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lindung.core.api.CodeCursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lindung API",
    "DESCRIPTION": "Jamsostek coverage platform: regions, registry, coverage, programmes, award.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lindung.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
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
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LINDUNG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

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

# Funding sources whose use for contributions is legally contested (domain.md §5.1): a programme
# paid from them needs a legal reviewer's FundingSourceYear for its fiscal year.
PROGRAMME_SOURCES_NEEDING_APPROVAL = ("dana_desa",)
# Occupation → risk 1–5 for the "riskiest occupations first" priority rule: Lindung's default
# ordering (no official table exists), replaceable per deployment.
PROGRAMME_OCCUPATION_RISK_FILE = os.environ.get(
    "LINDUNG_OCCUPATION_RISK_FILE", str(PACKAGE_DIR / "programmes" / "data" / "occupation_risk.csv")
)
