"""Demo data: one agency, an admin login, clients, projects with submitted assessments, and a
pilot with its results."""

import csv
import io
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from advisor.models import Assessment
from advisor.pilots import pilot_import_results, pilot_pick_comparison, pilot_record
from advisor.scoring.evidence import parse_target
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
        "name": "Meridian Health",
        "industry": "Healthcare",
        "contact_name": "Dr Ana Sousa",
        "contact_email": "a.sousa@meridianhealth.example",
        "notes": "Coders review every suggestion; a pilot of a tuned adapter has been run.",
        "projects": [
            (
                "Clinical coding assistant",
                "Suggest the diagnosis code for a discharge note, in the coding system's format.",
                "clinical_coding",
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
                submitted = assessment_submit(assessment=assessment, by=user)
                if example == "clinical_coding":
                    _demo_pilot(submitted, user)
    return DemoLogin(email=DEMO_EMAIL, password=DEMO_PASSWORD)


# Discharge notes and the code each should get (illustrative, not clinical advice).
_NOTES = [
    ("Asthma, mild intermittent, uncomplicated", "J45.20"),
    ("Type 2 diabetes without complications", "E11.9"),
    ("Essential hypertension", "I10"),
    ("Acute bronchitis, unspecified", "J20.9"),
    ("Urinary tract infection, site not specified", "N39.0"),
    ("Migraine without aura, not intractable", "G43.009"),
    ("Iron deficiency anaemia, unspecified", "D50.9"),
    ("Gastro-oesophageal reflux without oesophagitis", "K21.9"),
]
DEMO_PILOT_CASES = 150


def _demo_results() -> tuple[bytes, list[str]]:
    """A pilot's results as the neutral CSV (the best prompt and a tuned adapter on the same
    held-out notes), and the cases where the two disagree. Seeded: every seed gives the same."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["case_id", "approach", "input", "output", "code_accuracy", "latency_ms"])
    disagree = []
    for number in range(1, DEMO_PILOT_CASES + 1):
        note, code = _NOTES[number % len(_NOTES)]
        text = f"Discharge note {number:03}: {note}; follow-up in primary care."
        case = f"note-{number:03}"
        outputs = set()
        for approach, accuracy, latency in (
            ("best-prompt", 0.76, 900),
            ("tuned-adapter", 0.94, 520),
        ):
            right = rng.random() < accuracy
            given = code if right else rng.choice([c for _, c in _NOTES if c != code])
            outputs.add(given)
            writer.writerow(
                [
                    case,
                    approach,
                    text,
                    f'{{"code": "{given}"}}',
                    right,
                    round(rng.gauss(latency, 60)),
                ]
            )
        if len(outputs) > 1:
            disagree.append(case)
    return out.getvalue().encode(), disagree


def _demo_pilot(assessment: Assessment, user: User) -> None:
    """The pilot the demo's clinical coding project ran: its record, results and picked cases."""
    pilot = pilot_record(
        assessment=assessment,
        by=user,
        held_out_size=DEMO_PILOT_CASES,
        held_out_drawn="Every tenth coded discharge note of 2025, set aside before training.",
        held_out_confirmed=True,
        fell_short=["code_accuracy"],
        targets=[parse_target("code_accuracy>=0.9"), parse_target("latency_ms<=800")],
    )
    results, disagree = _demo_results()
    pilot = pilot_import_results(
        pilot=pilot,
        raw=results,
        filename="pilot-results.csv",
        by=user,
        baseline="best-prompt",
        candidate="tuned-adapter",
    )
    # The client sees where the two differ.
    pilot_pick_comparison(pilot=pilot, case_ids=disagree[:3], by=user)
