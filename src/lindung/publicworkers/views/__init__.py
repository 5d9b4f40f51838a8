"""The register's pages (issue 21): the overview of an area, a body's page with its worklist,
and the actions on a body (a worker by hand, sending the uncovered as registration requests,
reconciling now, budget lines). Thin: reads through the selectors and the shared FilterSet,
writes through the services, every refusal a bilingual message."""
