"""Errors a user can act on. Each carries a catalog key and its placeholders."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    def __init__(self, message: str, /, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class NotFoundError(ServiceError):
    pass


class ForbiddenError(ServiceError):
    pass


class InvalidInputError(ServiceError):
    pass


class AccountNotFoundError(ServiceError):
    """No account matches; ``suggestions`` holds the closest names, possibly none."""

    def __init__(self, query: str, suggestions: list[tuple[int, str]]) -> None:
        super().__init__("account.not_found", field="account", query=query)
        self.query = query
        self.suggestions = suggestions


class AmbiguousAccountError(ServiceError):
    """Several accounts match about equally well: the user must choose."""

    def __init__(self, query: str, suggestions: list[tuple[int, str]]) -> None:
        super().__init__("account.ambiguous", field="account", query=query)
        self.query = query
        self.suggestions = suggestions


class ReadOnlyAccountError(ForbiddenError):
    """The actor may read the account but not write to it: told before they confirm."""

    def __init__(self, name: str) -> None:
        super().__init__("access.read_only", field="account", query=name)
        self.query = name
        self.suggestions: list[tuple[int, str]] = []
