"""The `lms` command line, as an operator uses it."""

from __future__ import annotations

from lms.auth.models import User
from lms.cli import DEMO_ACCOUNTS


def test_init_db_is_safe_to_run_again(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0 and "up to date" in result.output


def test_create_user_with_several_roles(runner, db):
    result = runner.invoke(
        args=["create-user", "Nadia@Example.org", "--role", "trainer", "--role", "coach",
              "--password", "long-enough-pw", "--name", "Nadia"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.query(User).filter_by(email="nadia@example.org").one()
    assert user.roles == {"trainer", "coach"} and user.display_name == "Nadia"


def test_create_user_errors_are_one_line_and_fail(runner):
    result = runner.invoke(args=["create-user", "x@example.org", "--password", "short"])
    assert result.exit_code != 0
    assert result.output.strip().startswith("error:") and result.output.count("\n") == 1
    runner.invoke(args=["create-user", "dup@example.org", "--password", "long-enough-pw"])
    result = runner.invoke(args=["create-user", "dup@example.org", "--password", "long-enough-pw"])
    assert result.exit_code != 0 and "already exists" in result.output


def test_seed_demo_creates_the_contract_accounts_once(runner, db, client):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0 and "demo-password" in result.output
    emails = {email for email, *_ in DEMO_ACCOUNTS}
    assert {u.email for u in db.query(User).filter(User.email.in_(emails))} == emails
    assert db.query(User).filter(User.email.in_(emails)).count() == 4
    login = client.post("/login", data={"email": "coach@example.org", "password": "demo-password"})
    assert login.status_code == 302


def test_every_command_has_help(runner):
    for command in ("init-db", "create-user", "seed-demo", "serve"):
        result = runner.invoke(args=[command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_serve_freezes_the_loaded_app_before_forking_workers(runner, monkeypatch):
    import gc

    from gunicorn.app.base import BaseApplication

    frozen = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: frozen.append(gc.get_freeze_count()))
    try:
        result = runner.invoke(args=["serve", "--workers", "1"])
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert frozen and frozen[0] > 1000


def test_serve_runs_two_workers_per_core_plus_one_unless_told(monkeypatch):
    from lms.cli import default_workers

    monkeypatch.delenv("LMS_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert default_workers() == 5
    monkeypatch.setenv("LMS_WORKERS", "3")
    assert default_workers() == 3


def test_serve_ends_its_start_up_with_the_address_the_demo_accounts_and_how_to_stop(
    runner, monkeypatch
):
    import gc
    from types import SimpleNamespace

    from gunicorn.app.base import BaseApplication

    def run(self):  # gunicorn starting two workers, numbered 1 and 2
        for age in (1, 2):
            self.cfg.post_worker_init(SimpleNamespace(age=age))

    monkeypatch.setattr(BaseApplication, "run", run)
    try:
        demo = runner.invoke(args=["serve", "--workers", "2", "--demo"])
        plain = runner.invoke(args=["serve", "--workers", "2"])
    finally:
        gc.unfreeze()
    assert demo.exit_code == 0, demo.output
    ready = demo.output.split("Taawun is ready at ")
    assert len(ready) == 2, demo.output  # printed once, when the last worker is up
    lines = ready[1].splitlines()
    assert lines[0].startswith("http://") and lines[-1] == "stop it with Ctrl+C"
    assert [line.split()[0] for line in lines[2:-1]] == [email for email, *_ in DEMO_ACCOUNTS]
    assert "demo accounts" not in plain.output and plain.output.endswith("stop it with Ctrl+C\n")
