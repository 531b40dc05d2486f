"""Collection names that are safe as folder names, one lock per collection, and atomic file writes.

Measured (issue 15): `corpus remove ..` deleted the whole home (the index folder of collection '..' is the home
itself); two concurrent adds of one folder raised IntegrityError in one of them; a kill while `dense.usearch`
or `state.json` was rewritten left the collection unusable until its folder was deleted by hand.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from veracity.errors import CollectionBusy, InputError, StoreError

# Letters, digits, '-', '_', '.', starting with a letter or digit: never '.', '..', a path or a hidden file.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# How long a command waits for another one working on the same collection (a big add takes minutes).
LOCK_WAIT_S = 900.0
# How long a search waits for an add to the collection to finish before it answers "busy" (or, when the collection
# has an index already, searches that index as it was: see evidence/search.py).
READ_WAIT_S = 30.0
_POLL_S = 0.2

_local = threading.local()  # per thread: {lock file: (fd, depth)}, so a thread may re-enter its own lock


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(
            f"collection names are 1-100 letters, digits, '-', '_' or '.', starting with a letter or digit: {name!r}"
        )
    return name


@contextmanager
def collection_lock(home: Path, name: str, *, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the lock of collection `name`: an advisory `flock` on its own descriptor, so other processes and
    other threads wait (up to `wait_s`, then StoreError), and the OS releases it even when the holder is killed.
    Re-entrant within one thread."""
    path = home / "locks" / f"{check_name(name)}.lock"
    held: dict[Path, int] = _local.__dict__.setdefault("held", {})
    if path in held:
        held[path] += 1
        try:
            yield
        finally:
            held[path] -= 1
        return
    fd = _open_locked(path, home, name, wait_s)
    try:
        held[path] = 1
        yield
    finally:
        held.pop(path, None)
        os.close(fd)  # closing the descriptor releases the flock


def _open_locked(path: Path, home: Path, name: str, wait_s: float) -> int:
    """A descriptor of the lock file, flock'ed. `remove_lock_file` may delete the file while others wait on it: a
    waiter that then gets the lock of the deleted file opens the path again, so all agree on one file."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot lock collection {name!r} in {home}: {exc.strerror or exc}") from None
        try:
            _acquire(fd, name, wait_s, deadline)
            if _same_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def remove_lock_file(home: Path, name: str) -> None:
    """Delete the lock file of collection `name` (its lock held by this thread: `corpus remove`)."""
    (home / "locks" / f"{check_name(name)}.lock").unlink(missing_ok=True)


def _acquire(fd: int, name: str, wait_s: float, deadline: float) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process lock
        return
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise CollectionBusy(
                    f"collection {name!r} is busy: another veracity command has been working on it for over "
                    f"{wait_s:g} s; try again when it has finished"
                ) from None
            time.sleep(_POLL_S)


def replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write `target` through `write(tmp_path)`, flush it to disk and rename it into place: a reader (or a
    crash, or a full disk) sees the old file or the new one, never half of one."""
    tmp = target.with_name(target.name + ".tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None
