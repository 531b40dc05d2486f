"""The stage registry and contract (ground floor: imports no stage and not the pipeline).

A stage is a small object with `name`, `requires`, `assigns` and `__call__(report) -> report`. `requires` and
`assigns` are paths into the pydantic `Report`: a field name, `.` to go into a model, `[]` to go into each item
of a list: "sentences", "sentences[].attribution", "claims[].verdict", "summary.verdict_counts", "source".

    @stage("claims")
    class ClaimsStage:
        name = "claims"
        requires = frozenset({"sentences[].attribution"})
        assigns = frozenset({"claims", "sentences[].checkworthiness"})

        def __call__(self, report: Report) -> Report: ...

Paths are checked against `Report` when a stage registers (for a class with the attributes) and again when a
pipeline is built (`check_pipeline`), which also fails when a stage requires a path no earlier stage assigns.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from veracity.errors import ContractError

if TYPE_CHECKING:
    from veracity.schema import Report

# What ingest fills before any stage runs.
INITIAL = frozenset({"document"})


class Stage(Protocol):
    name: str
    requires: frozenset[str]
    assigns: frozenset[str]

    def __call__(self, report: Report) -> Report: ...


_REGISTRY: dict[str, Callable[..., Stage]] = {}


def stage(name: str) -> Callable[[Callable[..., Stage]], Callable[..., Stage]]:
    """Register a stage factory (usually the class) under `name`; its keyword arguments come from the pipeline's
    config for that name. Re-registering the same factory is a no-op; another factory under a taken name raises."""

    def register(factory: Callable[..., Stage]) -> Callable[..., Stage]:
        known = _REGISTRY.get(name)
        if known is not None and known is not factory:
            raise ValueError(f"a different stage is already registered as {name!r}")
        if isinstance(factory, type) and hasattr(factory, "requires"):
            check_contract(name, factory.requires, factory.assigns)
        _REGISTRY[name] = factory
        return factory

    return register


def registered() -> dict[str, Callable[..., Stage]]:
    return dict(_REGISTRY)


def factory(name: str) -> Callable[..., Stage]:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ContractError(f"unknown stage {name!r}; known: {sorted(_REGISTRY)}") from None


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


@cache
def _check_path(path: str) -> None:
    from pydantic import BaseModel

    from veracity.schema import Report

    current: Any = Report
    for segment in path.split("."):
        field, each = (segment[:-2], True) if segment.endswith("[]") else (segment, False)
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            raise ContractError(f"{path!r}: {field!r} is not inside a model")
        if field not in current.model_fields:
            raise ContractError(f"{path!r}: {current.__name__} has no field {field!r}")
        current = _unwrap(current.model_fields[field].annotation)
        if each:
            if typing.get_origin(current) is not list:
                raise ContractError(f"{path!r}: {field!r} is not a list, so '[]' does not apply")
            current = _unwrap(typing.get_args(current)[0])


def check_contract(name: str, requires: Iterable[str], assigns: Iterable[str]) -> None:
    """Every path a stage names must exist in `Report`."""
    for kind, paths in (("requires", requires), ("assigns", assigns)):
        if isinstance(paths, str):
            raise ContractError(f"stage {name!r}: {kind} must be a set of paths, not the string {paths!r}")
        for path in paths:
            try:
                _check_path(path)
            except ContractError as exc:
                raise ContractError(f"stage {name!r} {kind} {exc}") from None


def check_pipeline(stages: Iterable[Stage]) -> frozenset[str]:
    """Fail before anything runs if a path is not in `Report` or a stage needs what no earlier stage assigns.
    Returns every path assigned by the end."""
    assigned: set[str] = set(INITIAL)
    for s in stages:
        check_contract(s.name, s.requires, s.assigns)
        missing = sorted(p for p in s.requires if not _available(p, assigned))
        if missing:
            raise ContractError(
                f"stage {s.name!r} requires {missing}, which no earlier stage assigns "
                f"(assigned so far: {sorted(assigned)})"
            )
        assigned |= s.assigns
    return frozenset(assigned)


def _available(path: str, assigned: set[str] | frozenset[str]) -> bool:
    """A path is available when exactly it was assigned, or it lies in what ingest fills ("document.text").
    Assigning "sentences" does not make "sentences[].attribution" available: a parent is not its parts."""
    return path in assigned or any(path.startswith((a + ".", a + "[].")) for a in INITIAL)


def was_assigned(report: Report, path: str) -> bool:
    """Whether an earlier stage of the running pipeline assigned `path` (e.g. the summary asks for "spans" to
    tell "persuasion found nothing" from "persuasion did not run"). False outside a pipeline."""
    return _available(path, report.cache.get("assigned", set()))
