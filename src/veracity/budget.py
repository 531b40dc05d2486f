"""A wall-clock budget per analysis: checked between stages and inside long loops, with an alarm as a backstop.

Every stage is bounded (nlp/bounds.py), so the budget is a safety net for what the bounds miss: when it runs
out the analysis ends with `AnalysisTimeout`, one line naming the stage, never a hang.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from veracity.errors import AnalysisTimeout


@dataclass(frozen=True)
class Deadline:
    """`seconds` from creation; None = no limit."""

    seconds: float | None
    at: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", math.inf if self.seconds is None else time.monotonic() + self.seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(self, where: str) -> None:
        if self.remaining() <= 0:
            raise AnalysisTimeout(self.seconds or 0.0, where)


@contextmanager
def alarm(deadline: Deadline, where: str = "analysis") -> Iterator[None]:
    """Raise AnalysisTimeout from wherever the code is when the deadline passes (even inside a library's loop).

    Only in the main thread and only when no other timer is set (signals cannot be delivered elsewhere); a
    library that swallows the exception is caught by the next `Deadline.check`.
    """
    usable = (
        deadline.seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise AnalysisTimeout(deadline.seconds or 0.0, where)

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(deadline.remaining(), 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
