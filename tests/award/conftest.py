import pytest

from tests.contributions.conftest import rates  # noqa: F401 - the shipped rate tables


@pytest.fixture(autouse=True)
def _evidence_files(settings, tmp_path):
    settings.AWARD_FILES_DIR = tmp_path / "award-files"
