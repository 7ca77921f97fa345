"""Demo data: one agency, an admin login, clients, and projects with submitted assessments."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from advisor.scoring.examples import EXAMPLE_PROJECTS
from advisor.services import assessment_start, assessment_submit
from projects.models import Client, Membership, Organization, Profile
from projects.services import client_create, profile_update, project_create

DEMO_EMAIL = "demo@advisor.example"
DEMO_PASSWORD = "advisor-demo-2026"  # noqa: S105 - a published demo login, reset on every seed
DEMO_ORGANIZATION = "Northwind AI Studio"
DEMO_PERSON = {"first_name": "Dana", "last_name": "Demo", "job_title": "Lead consultant"}

DEMO_CLIENTS: list[dict[str, Any]] = [
    {
        "name": "Bloom & Co",
        "industry": "Consumer cosmetics",
        "contact_name": "Priya Raman",
        "contact_email": "priya@bloom.example",
        "notes": "Rebrand planned for next spring; marketing team wants on-brand social posts.",
        "projects": [
            (
                "Brand-voice social posts",
                "Draft Instagram and LinkedIn posts in Bloom's voice.",
                "brand_voice",
            ),
            (
                "Product FAQ assistant",
                "Answer shoppers' questions from the product catalogue.",
                "support_assistant",
            ),
        ],
    },
    {
        "name": "Harbor Legal",
        "industry": "Legal services",
        "contact_name": "Tom Alvarez",
        "contact_email": "t.alvarez@harborlegal.example",
        "notes": "Thousands of reviewed contracts available; strict output schema for their DMS.",
        "projects": [
            (
                "Contract clause extraction",
                "Pull parties, dates and clauses into their schema.",
                "contract_review",
            ),
        ],
    },
    {
        "name": "Fleetline Logistics",
        "industry": "Logistics",
        "contact_name": "Mei Chen",
        "contact_email": "mei.chen@fleetline.example",
        "notes": "",
        "projects": [
            (
                "Support ticket triage",
                "Route incoming tickets to the right team with a priority.",
                None,
            ),
        ],
    },
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str


@transaction.atomic
def demo_seed() -> DemoLogin:
    """Create or refresh the demo data; running it twice changes nothing but the demo password."""
    organization, _ = Organization.objects.get_or_create(
        name=DEMO_ORGANIZATION,
        defaults={
            "contact_line": "hello@northwind.example · +44 20 7946 0000",
            "website": "https://northwind.example",
            "report_footer": "Northwind AI Studio · Independent advice on applied AI",
        },
    )
    user, _ = User.objects.get_or_create(
        username=DEMO_EMAIL,
        defaults={"email": DEMO_EMAIL, "is_staff": True},
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": Membership.Role.ADMIN}
    )
    # Through the services, as a person would: every object gets its audit event.
    if not Profile.objects.filter(user=user).exists():  # a name the demo user chose stays
        profile_update(user=user, **DEMO_PERSON)
    for spec in DEMO_CLIENTS:
        client = Client.objects.filter(organization=organization, name=spec["name"]).first()
        if client is None:
            fields = {key: value for key, value in spec.items() if key != "projects"}
            client = client_create(organization=organization, by=user, fields=fields)
        for name, description, example in spec["projects"]:
            if client.projects.filter(name=name).exists():
                continue
            project = project_create(
                organization=organization,
                by=user,
                fields={"client": client, "name": name, "description": description},
            )
            if example:
                # A submitted assessment, so the demo shows a recommendation straight away.
                assessment = assessment_start(
                    project=project, by=user, answers=EXAMPLE_PROJECTS[example]
                )
                assessment_submit(assessment=assessment, by=user)
    return DemoLogin(email=DEMO_EMAIL, password=DEMO_PASSWORD)
