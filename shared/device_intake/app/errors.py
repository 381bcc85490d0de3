"""Errors the use cases raise; each carries a stable ``code`` that the API maps to a status.

Adapters turn technology errors (``ClientError``) into these in one place, ``raise ... from``.
"""

from __future__ import annotations


class AppError(Exception):
    """Root of the pipeline's expected failures. ``code`` is stable; ``message`` is for people."""

    code = "APP_ERROR"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.code)
        self.message = message or self.code


class NotFound(AppError):
    code = "NOT_FOUND"


class Conflict(AppError):
    code = "CONFLICT"


class Forbidden(AppError):
    code = "FORBIDDEN"


class Unauthorized(AppError):
    code = "UNAUTHORIZED"


class InvalidInput(AppError):
    code = "VALIDATION_ERROR"
