"""Errors the LRS answers with: an HTTP status and a message naming the faulty path."""


class XAPIError(Exception):
    """A request the LRS refuses; `status` is the HTTP status the xAPI spec requires."""

    status = 400
    error = "bad_request"

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def to_dict(self) -> dict:
        return {"error": self.error, "message": self.message}


class ValidationError(XAPIError):
    """The request body or parameters break a rule of the spec (400)."""

    error = "invalid"


class NotFound(XAPIError):
    status = 404
    error = "not_found"


class Conflict(XAPIError):
    status = 409
    error = "conflict"


class PreconditionFailed(XAPIError):
    status = 412
    error = "precondition_failed"


class TooLarge(XAPIError):
    """Communication 3.2: 413 when a statement or document is larger than the LRS allows."""

    status = 413
    error = "too_large"


class Unauthorized(XAPIError):
    status = 401
    error = "unauthorized"


class Forbidden(XAPIError):
    status = 403
    error = "forbidden"
