"""Command line: a thin shell over `veracity.analyze` and the train/eval/evidence functions. Heavy imports stay
lazy so `veracity --help` is instant."""

from veracity.cli.startup import interrupts_end_quietly

with interrupts_end_quietly():
    from veracity.cli import analyze, batch, evaluate, evidence, serve, train  # noqa: F401  (registers the commands)
    from veracity.cli.common import app

__all__ = ["app"]
