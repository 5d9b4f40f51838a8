"""No NIK in a log line (docs/privacy.md, "Logs"): the configured formatter masks every run of
16 or more digits in messages, their arguments and tracebacks, whichever logger wrote them."""

from __future__ import annotations

import logging

from lindung.core.logging import PersonalDataFormatter

NIK = "1871010101900003"


def record(msg: str, *args: object, exc_info=None) -> logging.LogRecord:
    made = logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, exc_info)
    made.request_id = "-"  # the handler's filter sets it
    return made


def configured_formatter(logger: str) -> logging.Formatter:
    """The formatter of the first handler that handles ``logger``'s records."""
    current: logging.Logger | None = logging.getLogger(logger)
    while current is not None:
        if current.handlers:
            return current.handlers[0].formatter
        current = current.parent if current.propagate else None
    raise AssertionError(f"no handler for {logger}")


def test_every_logger_lindung_and_django_use_masks() -> None:
    for name in ("django.server", "django.request", "lindung.registry", "axes"):
        assert isinstance(configured_formatter(name), PersonalDataFormatter), name


def test_a_nik_in_a_request_line_is_masked() -> None:
    line = configured_formatter("django.server").format(
        record('"%s" %s %s', f"GET /api/v1/persons/?nik={NIK}&q={NIK}9 HTTP/1.1", 400, 120)
    )
    assert NIK not in line and "?nik=****************&q=****************" in line
    assert '" 400 120' in line  # short numbers stay


def test_a_nik_in_a_traceback_is_masked() -> None:
    try:
        raise ValueError(f"bad NIK {NIK}")
    except ValueError:
        import sys

        exc = sys.exc_info()
    line = PersonalDataFormatter().format(record("import failed", exc_info=exc))
    assert NIK not in line and "bad NIK ****************" in line


def test_other_handlers_still_see_the_record_unchanged() -> None:
    original = record("looked up %s", NIK)
    PersonalDataFormatter().format(original)
    assert original.getMessage() == f"looked up {NIK}"


def test_a_floats_digits_are_not_a_nik() -> None:
    line = PersonalDataFormatter().format(record("took %s s for %s", 0.4140802009997063, NIK))
    assert "0.4140802009997063" in line and NIK not in line
