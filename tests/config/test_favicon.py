"""The site's icon: our own small SVG, linked from every page a browser shows, never from PDFs."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client as HttpClient
from django.urls import reverse

from reports.pdf import render_html
from reports.services import report_context_for
from tests.personas import Agency, submit

ICON_LINK = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_the_favicon_is_a_small_self_contained_svg() -> None:
    svg = Path(settings.BASE_DIR, "static", "favicon.svg").read_text()
    root = ET.fromstring(svg)  # noqa: S314 - our own file, checked in
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg) < 1024
    # Nothing to fetch: no links, images, fonts or scripts of anyone else's.
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not {"image", "use", "script", "text"} & {element.tag.split("}")[1] for element in root}


@pytest.mark.django_db
def test_every_page_links_the_favicon(client: HttpClient, alice: HttpClient, acme: Agency) -> None:
    assessment = submit(acme)
    pages = {
        "login": client.get(reverse("login")).content.decode(),
        "dashboard": alice.get(reverse("projects:dashboard")).content.decode(),
        "not found": alice.get("/no-such-page/").content.decode(),
        "report preview": alice.get(
            reverse("advisor:report_preview", args=[acme.project.pk, assessment.pk, "full"])
        ).content.decode(),
        "server error": render_to_string("500.html"),
        "database down": render_to_string("503.html"),
    }
    for name, html in pages.items():
        assert ICON_LINK in html, name


@pytest.mark.django_db
def test_a_pdf_links_no_favicon(acme: Agency) -> None:
    context = report_context_for(submit(acme), "full", acme.admin.user)
    html = render_html({**context, "for_pdf": True, "bundled_static": "static/"})
    assert "favicon" not in html
