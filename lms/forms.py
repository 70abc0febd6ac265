"""What every form view shares: the HTTP status of a page that shows a form."""

from __future__ import annotations

from flask_wtf import FlaskForm


def form_status(form: FlaskForm) -> int:
    """400 when the page re-shows a submitted form with its errors, 200 on first display."""
    return 400 if form.is_submitted() else 200
