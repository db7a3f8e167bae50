"""Domain errors: each carries a clear message for the person who caused it.

The web layer maps them to status codes: ValidationFailed 400, Forbidden 403, NotFound 404,
Conflict 409, TooLarge 413. Messages are Simplified Chinese (they reach officers and
citizens); ``code`` is a stable English identifier for API clients.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "domain_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class TooLarge(DomainError):
    status = 413
    code = "too_large"
