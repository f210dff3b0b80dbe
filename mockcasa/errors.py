"""Domain errors and the one place that turns them into the API's error envelope.

Business rules raise these; the error middleware renders them as
``{"error": {"code", "message", "requestId", "details"?}}``.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}

    def envelope(self, request_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "requestId": request_id}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class Invalid(ApiError):
    """400 invalid_request. ``details`` maps a field path to the reason it was refused."""

    status = 400
    code = "invalid_request"

    def __init__(self, message: str | None = None, details: dict[str, Any] | None = None,
                 *, field: str | None = None, reason: str | None = None) -> None:
        if field is not None:
            details = {**(details or {}), field: reason or "is invalid"}
            message = message or f"Invalid value for '{field}': {reason or 'is invalid'}."
        super().__init__(message or "The request failed validation.", details)


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class MethodNotAllowed(ApiError):
    status = 405
    code = "invalid_request"

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f"Method {method} is not allowed here. Allowed: {', '.join(allowed)}.",
                         headers={"Allow": ", ".join(allowed)})


class Conflict(ApiError):
    status = 409
    code = "conflict"


class Gone(ApiError):
    """410: an operation the caller's API revision no longer serves (an older revision did)."""

    status = 410
    code = "gone"


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"


class ServiceError(ApiError):
    """5xx injected by fault rules or raised by an unexpected failure."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
