"""Typed errors. Each carries a stable code and a one-line message; the CLI maps them to exit codes."""

from __future__ import annotations


class VeracityError(Exception):
    """Base class: something the user can act on, reported in one line."""

    code = "V000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(VeracityError):
    """The input is empty, binary, too large, undecodable or otherwise not an article."""

    code = "V100"


class FetchError(VeracityError):
    """A URL could not (or must not) be fetched."""

    code = "V200"

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(f"{message}: {url}")
        self.url = url
        self.status = status


class ModelUnavailable(VeracityError):
    """A model file or optional dependency is missing."""

    code = "V300"


class DataFormatError(VeracityError):
    """A data file (e.g. an evaluation TSV) is malformed."""

    code = "V400"


class StageError(VeracityError):
    """A pipeline stage failed; names the stage."""

    code = "V500"

    def __init__(self, stage: str, cause: BaseException) -> None:
        super().__init__(f"stage {stage!r} failed: {type(cause).__name__}: {cause}")
        self.stage = stage


class ContractError(VeracityError, ValueError):
    """A stage's `requires`/`assigns` name no `Report` path, or a pipeline misses a prerequisite."""

    code = "V600"
