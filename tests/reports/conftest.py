import pytest

from advisor.models import Assessment
from tests.personas import Agency, submit


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def acme_result(acme: Agency) -> Assessment:
    """A submitted assessment of Acme's project (the brand-voice story)."""
    return submit(acme)
