import factory
from django.contrib.auth.models import User

from projects.models import Client, Membership, Organization, Project

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"user{n}@agency.example")
    username = factory.SelfAttribute("email")
    password = factory.django.Password(TEST_PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Agency {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.ADMIN


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Client {n}")
    industry = "Retail"
    contact_name = "Sam Contact"
    contact_email = factory.Sequence(lambda n: f"contact{n}@client.example")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    description = "Summarise support tickets for the weekly report."


def log_in(http, username: str, password: str) -> bool:
    """Log in through the real login form (as a browser would, throttling included)."""
    response = http.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in http.session
