"""``lindung serve``: the production WSGI server (gunicorn), configured from the environment.

Gunicorn runs programmatically (:class:`LindungServer`, a ``BaseApplication``), so it starts
under the ``lindung`` console script with no gunicorn command line or configuration file. Its
choice, and why not an ASGI server, is in docs/ARCHITECTURE.md; how to run it in
docs/operations.md.

The access log names the path only (gunicorn's ``%(U)s``, never ``%(r)s``, whose request line
carries the query string) and every gunicorn log line goes through the NIK-masking formatter of
:mod:`lindung.core.logging`, so a NIK never reaches a log.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from lindung.core.i18n import bilingual
from lindung.core.logging import PersonalDataFormatter

# A string, not an import: core sits below config in the import contract.
WSGI_APP = "lindung.config.wsgi:application"

# Path without query string (%(U)s), method, status, bytes, milliseconds, the request id the
# app echoes in X-Request-ID. No referrer: it can carry another page's query string.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s" rid=%({x-request-id}o)s'

MAX_DEFAULT_WORKERS = 8


def default_workers(cpus: int | None = None) -> int:
    """Gunicorn's rule of thumb, 2 × cores + 1, capped at :data:`MAX_DEFAULT_WORKERS`."""
    cores = cpus if cpus is not None else (os.cpu_count() or 1)
    return min(2 * cores + 1, MAX_DEFAULT_WORKERS)


class ServeConfigError(ValueError):
    """A bad value for a serving option; the message is bilingual."""


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 3
    timeout: int = 60
    graceful_timeout: int = 30
    max_requests: int = 1000
    max_requests_jitter: int = 100

    @property
    def bind(self) -> str:
        # An IPv6 address needs brackets in a bind string.
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"


# name → (environment variable, smallest value, largest value)
_NUMBERS: dict[str, tuple[str, int, int]] = {
    "port": ("LINDUNG_WEB_PORT", 1, 65535),
    "workers": ("LINDUNG_WEB_WORKERS", 1, 256),
    "timeout": ("LINDUNG_WEB_TIMEOUT", 1, 86400),
    "graceful_timeout": ("LINDUNG_WEB_GRACEFUL_TIMEOUT", 1, 86400),
    "max_requests": ("LINDUNG_WEB_MAX_REQUESTS", 0, 10_000_000),
}


def _number(name: str, raw: str, source: str) -> int:
    _, low, high = _NUMBERS[name]
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ServeConfigError(
            bilingual(
                f"{source} harus bilangan bulat dari {low} sampai {high}, bukan {raw!r}",
                f"{source} must be a whole number from {low} to {high}, not {raw!r}",
            )
        )
    return value


def serve_options(
    environ: Mapping[str, str] | None = None, **given: str | int | None
) -> ServeOptions:
    """Options from the command line (``given``; None means not given), else the environment
    (``LINDUNG_WEB_*``), else the defaults. Raises :class:`ServeConfigError` on a bad value."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, (variable, _, _) in _NUMBERS.items():
        flag = given.get(name)
        if flag is not None:
            values[name] = _number(name, str(flag), f"--{name.replace('_', '-')}")
        elif env.get(variable, "").strip():
            values[name] = _number(name, env[variable], variable)
    values.setdefault("workers", default_workers())
    if given.get("host") is not None:
        values["host"] = str(given["host"]).strip()
        if not values["host"]:
            raise ServeConfigError(
                bilingual("--host tidak boleh kosong", "--host must not be empty")
            )
    else:
        values["host"] = env.get("LINDUNG_WEB_HOST", "").strip() or ServeOptions.host
    # Workers restart after about max_requests requests each (a slow leak never grows for
    # long), spread by a tenth so they do not all restart at once.
    max_requests = values.get("max_requests", ServeOptions.max_requests)
    values["max_requests_jitter"] = max_requests // 10
    return ServeOptions(**values)


def gunicorn_settings(options: ServeOptions) -> dict[str, Any]:
    """The gunicorn settings for ``options`` (names as in gunicorn's documentation)."""
    config: dict[str, Any] = {
        "bind": [options.bind],
        "workers": options.workers,
        "worker_class": "sync",
        "timeout": options.timeout,
        "graceful_timeout": options.graceful_timeout,
        "max_requests": options.max_requests,
        "max_requests_jitter": options.max_requests_jitter,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "logger_class": f"{__name__}.MaskingLogger",
        "proc_name": "lindung-web",
        # The Django app is imported by each worker after the fork: no database connection or
        # thread crosses a fork.
        "preload_app": False,
        # Gunicorn 25.1+ opens a control socket under $HOME; a hardened service has no
        # writable home, and Lindung does not use it.
        "control_socket_disable": True,
    }
    # The heartbeat file on a RAM disk when there is one (gunicorn's advice for containers).
    if os.access("/dev/shm", os.W_OK):  # noqa: S108 - a RAM disk, not a shared temp file
        config["worker_tmp_dir"] = "/dev/shm"  # noqa: S108
    return config


def warm_up() -> int:
    """Import every view (the URLconf) and compile every app template, so that a worker pays
    this as it starts rather than in the first requests it serves (about 0.4 s each on the
    reference machine: the first visit of a page after a restart took 400+ ms instead of
    60 ms). No database access: nothing here crosses a fork or opens a connection. Returns
    the number of templates compiled."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.template import TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - the import is the point
    for _prefix, namespaced in resolver.namespace_dict.values():  # reverse()'s look-up tables
        namespaced.reverse_dict  # noqa: B018
    for code, _name in settings.LANGUAGES:  # each language's message catalogue
        with translation.override(code):
            translation.gettext("Beranda")
    staticfiles_storage.url("core/lindung.js")  # the static files' manifest or finders
    compiled = 0
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else ():
            try:
                get_template(path.relative_to(folder).as_posix())
            except TemplateSyntaxError:
                continue  # a template that needs its context to compile compiles later
            compiled += 1
    return compiled


class MaskingLogger(GunicornLogger):
    """Gunicorn's logger whose every line (access and error) masks NIK-length digit runs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False) and handler.formatter is not None:
                    old = handler.formatter
                    handler.setFormatter(PersonalDataFormatter(old._fmt, old.datefmt))


class LindungServer(BaseApplication):
    """Gunicorn serving :data:`WSGI_APP` with the given settings."""

    def __init__(self, settings: Mapping[str, Any], app: str = WSGI_APP) -> None:
        self.settings = dict(settings)
        self.app_uri = app
        super().__init__(usage="lindung serve", prog="lindung serve")

    def load_config(self) -> None:
        known = self.cfg.settings
        for key, value in self.settings.items():
            if key in known and value is not None:  # older gunicorn: no control socket
                self.cfg.set(key, value)

    def load(self) -> Any:
        from gunicorn.util import import_app

        return import_app(self.app_uri)


def run(options: ServeOptions) -> None:
    """Serve until SIGTERM or SIGINT (gunicorn exits the process, 0 on a clean stop)."""
    from django.db import connections

    # Nothing the master opened (a database connection) is inherited by the workers.
    connections.close_all()
    LindungServer(gunicorn_settings(options)).run()
