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


class NetworkError(FetchError):
    """The network failed on the way (DNS, refused, reset, timed out): not the input's fault; a retry may help."""

    code = "V210"


class StoreError(VeracityError):
    """The evidence store refuses an operation (a bad collection name, a busy or damaged collection, no space)."""

    code = "V800"


class CollectionBusy(StoreError):
    """Another command holds a collection's lock longer than this one may wait."""


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


class AnalysisTimeout(VeracityError):
    """An analysis ran out of its wall-clock budget (`AnalyzeOptions.timeout`)."""

    code = "V700"

    def __init__(self, seconds: float, stage: str) -> None:
        super().__init__(f"analysis stopped after its {seconds:g} s budget (in {stage}); see --timeout")
        self.seconds = seconds
        self.stage = stage
