"""Flask extensions, created once and bound in create_app() (rate limits: lms.rate_limits)."""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
