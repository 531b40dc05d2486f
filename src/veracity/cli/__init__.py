"""Command line: a thin shell over `veracity.analyze` and the train/eval/evidence functions. Heavy imports stay
lazy so `veracity --help` is instant."""

import signal
import sys


def _interrupted_while_starting(signum: int, frame: object) -> None:
    # Ctrl-C while the command line imports (the first ~0.3 s) would print an import traceback.
    sys.stderr.write("veracity: interrupted\n")
    raise SystemExit(130)


# Only where Ctrl-C would raise KeyboardInterrupt (not when the shell has SIGINT ignored, as for `cmd &`).
_quiet = signal.getsignal(signal.SIGINT) is signal.default_int_handler
if _quiet:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
try:
    from veracity.cli import analyze, batch, evidence, models, serve  # noqa: F401  (registers the commands)
    from veracity.cli.common import app
finally:
    if _quiet:  # from here on click and `run` handle KeyboardInterrupt
        signal.signal(signal.SIGINT, signal.default_int_handler)

__all__ = ["app"]
