"""The notes of coverage/data/coverage_targets.csv as translatable strings: the file keeps the
English text (the msgid), the page shows it through the catalogue (``{% translate note %}``).
A note added to the file is added here too, so ``make messages`` extracts it."""

from django.utils.translation import gettext_noop

TARGET_NOTES = (
    gettext_noop("Conflicts with 32.62 % in the BPJS statement of September 2024; both are kept"),
    gettext_noop("“32.6 % by the end of 2025”; conflicts with 38.39 % in other statements"),
    gettext_noop("The provincial government's own aim for the end of 2025"),
    gettext_noop("Regional medium-term development plan"),
)
