"""Log lines without personal data: every run of 16 or more digits (a NIK, or a number long
enough to be one) is masked in the formatted line, message and traceback alike, whoever logged
it — Django's request and server loggers print query strings, a library may print a value
(docs/privacy.md)."""

from __future__ import annotations

import logging
import re

NIK_RUN = re.compile(r"(?<!\d)\d{16,}(?!\d)")
MASK = "****************"


def mask_digit_runs(text: str) -> str:
    return NIK_RUN.sub(MASK, text)


class PersonalDataFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_digit_runs(super().format(record))
