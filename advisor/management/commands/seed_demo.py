from typing import Any

from django.core.management.base import BaseCommand

from advisor.demo import demo_seed


class Command(BaseCommand):
    help = "Create (or refresh) a demo agency with an admin login, clients and projects."

    def handle(self, *args: Any, **options: Any) -> None:
        login = demo_seed()
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS("Demo data ready."))
            self.stdout.write(f"  Log in as {login.email} with password {login.password}")
