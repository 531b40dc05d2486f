"""The command line's first moments, standard library only: it is imported before Typer and the commands."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def _interrupted_while_starting(signum: int, frame: object) -> None:
    sys.stderr.write("veracity: interrupted\n")
    raise SystemExit(130)


@contextmanager
def interrupts_end_quietly() -> Iterator[None]:
    """Ctrl-C while the command line starts (imports, Typer building the click command: ~0.3 s) ends with one line,
    not a traceback; afterwards click and `run` handle KeyboardInterrupt. Only where Ctrl-C would raise
    KeyboardInterrupt (not when the shell has SIGINT ignored, as for `cmd &`)."""
    quiet = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if quiet:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    try:
        yield
    finally:
        if quiet:
            signal.signal(signal.SIGINT, signal.default_int_handler)
