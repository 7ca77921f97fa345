import pytest

from advisor import services
from advisor.models import Assessment
from advisor.scoring.examples import EXAMPLE_PROJECTS
from tests.conftest import Agency


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def submit(agency: Agency, example: str = "brand_voice") -> Assessment:
    assessment = services.assessment_start(
        project=agency.project, by=agency.admin.user, answers=dict(EXAMPLE_PROJECTS[example])
    )
    return services.assessment_submit(assessment=assessment, by=agency.admin.user)


@pytest.fixture
def acme_result(acme: Agency) -> Assessment:
    """A submitted assessment of Acme's project (the brand-voice story)."""
    return submit(acme)
