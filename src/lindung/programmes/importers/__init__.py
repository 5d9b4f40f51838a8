"""The import kinds of programmes: candidate lists (``candidates``), benefit claims (``claims``)
and the BPJS branch's enrolment confirmations (``confirmations``)."""
