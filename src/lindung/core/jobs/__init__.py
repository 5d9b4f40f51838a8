"""Long operations run by the worker (docs/ARCHITECTURE.md "Jobs").

An app's long operation is a plain function ``def work(*, job, progress, **arguments) -> dict``;
``services.submit`` records a ``core.models.Job`` and hands the generic task ``runtime.run_job``
to the task library (django-tasks, its database backend), which ``lindung worker`` runs.
"""
