"""`lms seed-demo` after the content is loaded: the demo learner has done Think.COOP and
Start.COOP (through the real services), so the project bank step is open to show."""

from __future__ import annotations

from pathlib import Path

from lms.auth.services import find_by_email
from lms.courses import services
from lms.main.views import path_steps

CONTENT = Path(__file__).resolve().parents[3] / "content"


def test_the_demo_learner_reaches_the_project_bank(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["load-content", str(CONTENT)]).exit_code == 0
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo learner: completed think-coop, start-coop" in result.output
    with app.test_request_context():
        session = app.extensions["db_session"]()
        learner = find_by_email(session, "learner@example.org")
        assert services.course_status(session, learner, "start-coop").completed
        steps = {step.key: status for step, status in path_steps(learner)}
        assert steps["project-bank"].unlocked
        assert not steps["marketplace"].unlocked  # My.COOP still ahead: the path goes on
    again = runner.invoke(args=["seed-demo"])  # run twice: nothing done again
    assert again.exit_code == 0 and "demo learner" not in again.output
