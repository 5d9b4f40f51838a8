"""Programme pages: ``plans`` (programmes, selection runs, candidates, the enrolment file) and
``money`` (invoices, payments, outcomes)."""
