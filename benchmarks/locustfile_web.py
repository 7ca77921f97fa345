"""Locust users for `benchmarks/web.py`: log in, then loop over a wizard step, the result page and
/healthz. Not meant to be run by hand: web.py starts it with the environment variables that
`locust_users.py` describes; its BENCH_ACCOUNTS file also holds, per account, the user's own
draft's step and next-step URLs and a submitted assessment's result URL, and the step's answers.
"""

from typing import Any

import locust_users
from locust import events, task
from locust.env import Environment
from locust_users import SETUP, BenchUser, csrf_token, expect, form_version, post

# Request names: stats are grouped by kind, not per project or assessment id.
STEP_GET, STEP_POST, RESULT, FLOOR = "step GET", "step POST", "result", "floor"
STEP_POOL = "step GET+POST"
STALE_STATUS = 409  # the wizard's optimistic-locking answer; correct behaviour, not an error

STEP_FIELDS: list[tuple[str, str]] = [(name, value) for name, value in SETUP["step_fields"]]

_stale_saves = 0


class WizardUser(BenchUser):
    """One agency member working on their own draft, so no two users ever save the same one."""

    @task
    def wizard_round(self) -> None:
        """GET a step, POST it with a fresh version, then the result page and the floor."""
        global _stale_saves
        account = self.account
        with self.client.get(account["step_url"], name=STEP_GET, catch_response=True) as page:
            expect(page, 200)
            html = page.text or ""
            token, version = csrf_token(html), form_version(html)
            if page.status_code == 200 and (token is None or version is None):
                page.failure("no CSRF token or version field in the step form")
        if token is not None and version is not None:
            fields = [("csrfmiddlewaretoken", token), ("version", version), *STEP_FIELDS]
            fields.append(("action", "next"))
            with post(self, account["step_url"], fields, STEP_POST) as response:
                if response.status_code == STALE_STATUS:
                    _stale_saves += 1
                    response.success()
                else:
                    expect(response, 302, account["next_step_url"])
        with self.client.get(account["result_url"], name=RESULT, catch_response=True) as page:
            expect(page, 200)
        with self.client.get("/healthz", name=FLOOR, catch_response=True) as page:
            expect(page, 200)


@events.quitting.add_listener
def write_summary(environment: Environment, **_: Any) -> None:
    """Hand web.py the figures, computed by locust's own percentile code."""
    figures = locust_users.summary(environment, {STEP_POOL: (STEP_GET, STEP_POST)})
    step = figures["pools"][STEP_POOL]
    locust_users.write_summary({**figures, "step": step, "stale_saves": _stale_saves})
