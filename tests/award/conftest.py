from tests.contributions.conftest import rates  # noqa: F401 - the shipped rate tables
