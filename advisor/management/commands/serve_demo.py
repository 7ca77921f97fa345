from django.core.management.commands.runserver import Command as RunserverCommand

from advisor.demo import DEMO_EMAIL, DEMO_PASSWORD


class Command(RunserverCommand):
    # Set by runserver's handle() before the server binds.
    addr: str
    _raw_ipv6: bool

    help = (
        "Serve the app for a local try-out, as runserver does, ending its start-up lines with "
        "the address and the demo login. Run migrate and seed_demo first (`make run` does)."
    )

    def on_bind(self, server_port: int) -> None:
        # After Django's own lines, so the two a person needs are the last on the screen.
        super().on_bind(server_port)
        host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        host = "0.0.0.0" if host == "0" else host  # noqa: S104 - runserver's spelling of "0"
        url = f"{self.protocol}://{host}:{server_port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"  The Advisor runs at {url}"))
        self.stdout.write(f"  Log in as {DEMO_EMAIL} with password {DEMO_PASSWORD}")
