"""Log lines without personal data: every run of 16 or more digits (a NIK, or a number long
enough to be one) in a log message or a traceback is masked, whoever logged it — Django's
request and server loggers print query strings, a library may print a value
(docs/privacy.md). The request id (hex, which can hold long digit runs) is left alone."""

from __future__ import annotations

import copy
import logging
import re

# Not after a decimal point: a float's fractional digits (timings) are no NIK.
NIK_RUN = re.compile(r"(?<![\d.])\d{16,}(?!\d)")
MASK = "****************"


def mask_digit_runs(text: str) -> str:
    return NIK_RUN.sub(MASK, text)


class PersonalDataFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # A copy: other handlers of the same record format it themselves.
        masked = copy.copy(record)
        masked.msg, masked.args = mask_digit_runs(record.getMessage()), None
        if record.exc_info:
            masked.exc_text = mask_digit_runs(self.formatException(record.exc_info))
        if record.stack_info:
            masked.stack_info = mask_digit_runs(record.stack_info)
        return super().format(masked)


class RefusalWithoutTraceback(logging.Filter):
    """On ``django.request``: a 4xx response is logged as its one line ("Forbidden (Permission
    denied): /path"), without the traceback of the ``PermissionDenied`` that caused it. A refusal
    is the site working as designed; 5xx records keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
