"""Where veracity keeps its data: the home folder (collections, indexes, the web app's database, the LLM cache)
and the one way to open its SQL database.

Ground floor: the evidence store and the web app both open their database here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from veracity.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine


def veracity_home(home: Path | None = None) -> Path:
    """--home, else $VERACITY_HOME, else the platform's user data dir (~/.local/share/veracity on Linux)."""
    if home is None and os.environ.get("VERACITY_HOME"):
        home = Path(os.environ["VERACITY_HOME"])
    if home is None:
        from platformdirs import user_data_dir

        home = Path(user_data_dir("veracity", appauthor=False))
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the veracity home {home}: {exc.strerror or exc} (see --home)") from None
    return home


def database_url(home: Path, url: str | None = None) -> str:
    """`url`, else $VERACITY_DB_URL, else SQLite in `home`. A bare postgresql:// URL gets the psycopg (3) driver,
    the one installed (SQLAlchemy would otherwise look for psycopg2)."""
    url = url or os.environ.get("VERACITY_DB_URL") or f"sqlite:///{home / 'veracity.db'}"
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """One engine per database, set up the same way for the evidence collections and the web app's reports."""
    from sqlalchemy import create_engine, event

    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record) -> None:  # cascades need foreign keys on; WAL for concurrent readers
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # with WAL: consistent after a crash, far fewer fsyncs
            conn.execute("PRAGMA busy_timeout=60000")  # several writers (web workers, corpus adds) wait, not fail

    return engine
