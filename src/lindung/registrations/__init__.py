"""Registration requests: a worker's registration started in Lindung (by the employer, the worker,
the village operator or an officer), checked, handed to the BPJS branch and confirmed by it
(docs/domain.md §13.1)."""
