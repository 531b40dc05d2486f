"""An optional LLM behind the OpenAI-compatible chat-completions protocol (llama.cpp's server, Ollama, vLLM, OpenAI).

Ground floor: the client, its disk cache and its usage counts. The prompts live with the steps that use them
(verify/decompose.py, verify/judge.py). Nothing here runs unless the user configured an LLM (`--llm-url`).

    client.ask(messages, Answer, check) ─► disk cache ─► POST {url}/chat/completions, JSON schema of Answer
                                                          ─► Answer.model_validate + check
                                                             └ invalid: one retry naming the fault
    any failure (HTTP error, timeout, invalid twice) ─► LLMFailure: the caller lets the local models decide
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pydantic loads with the first question: options.py imports this module and stays light
    from pydantic import BaseModel

    from veracity.schema import LLMUsage, Report

USES = ("decompose", "questions", "verdict")
DEFAULT_TIMEOUT_S = 60.0  # per request: a 7B model on a laptop CPU needs tens of seconds for a verdict
MAX_RESPONSE_BYTES = 1_000_000
MAX_TOKENS = 700  # an answer here is a small JSON object; this bounds a model that rambles
CACHE_FILE = "llm-cache.sqlite3"
DEADLINE_MARGIN_S = 5.0  # stop asking when the analysis has less than this left: the verdicts still need time

A = TypeVar("A", bound="BaseModel")
T = TypeVar("T")
R = TypeVar("R")


class LLMFailure(Exception):
    """The LLM gave no usable answer; `str(exc)` says why in a few words, for the report."""


class InvalidAnswer(ValueError):
    """The reply was not the JSON object asked for (or named evidence it was not given)."""


@dataclass(frozen=True)
class LLMConfig:
    """Which server and model, which uses are switched on, and how long to wait."""

    url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    uses: frozenset[str] = frozenset(USES)
    timeout: float = DEFAULT_TIMEOUT_S
    parallel: int = 4  # requests in flight at once (llama.cpp's server and vLLM serve several slots)
    cache_dir: Path | None = None  # None: no disk cache

    @property
    def decider(self) -> str:
        return f"llm:{self.model}"

    @property
    def endpoint(self) -> str:
        """The chat-completions URL: the OpenAI convention is a base URL ending in /v1."""
        url = self.url.rstrip("/")
        return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


class ResponseCache:
    """Valid answers on disk, keyed by model + prompt hash: re-running an article sends nothing. SQLite, so
    concurrent batch workers share it safely; a cache that cannot be written is skipped, never fatal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db, db:
                db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, model TEXT NOT NULL, "
                           "content TEXT NOT NULL, created REAL NOT NULL)")  # fmt: skip
            self.usable = True
        except (OSError, sqlite3.Error):
            self.usable = False

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def get(self, key: str) -> str | None:
        if not self.usable:
            return None
        try:
            with closing(self._connect()) as db:
                row = db.execute("SELECT content FROM answers WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, key: str, model: str, content: str) -> None:
        if not self.usable:
            return
        try:
            with closing(self._connect()) as db, db:
                db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", (key, model, content, time.time()))
        except sqlite3.Error:
            pass  # a full disk or a locked file costs a repeated request later, nothing else


class LLMClient:
    """One configured model. Thread-safe: the stages ask several questions at once."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.cache = ResponseCache(config.cache_dir / CACHE_FILE) if config.cache_dir else None
        self._lock = threading.Lock()
        self._http = None
        self._schema_output = True  # off after a server refused response_format (then the prompt's JSON spec rules)

    def new_usage(self) -> LLMUsage:
        from veracity.schema import LLMUsage

        return LLMUsage(model=self.config.model)

    def map(self, fn: Callable[[T], R], items: list[T]) -> list[R | LLMFailure]:
        """`fn` over `items`, `config.parallel` at a time, in order; an item whose questions failed gives its
        LLMFailure (the caller lets the local models decide it)."""
        from concurrent.futures import ThreadPoolExecutor

        def one(item: T) -> R | LLMFailure:
            try:
                return fn(item)
            except LLMFailure as exc:
                return exc

        with ThreadPoolExecutor(self.config.parallel) as pool:
            return list(pool.map(one, items))

    def key(self, messages: list[dict], schema: dict) -> str:
        """The cache key: model + a hash of the prompt and the answer's schema (never the URL or the API key)."""
        blob = json.dumps({"model": self.config.model, "messages": messages, "schema": schema}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def ask(self, messages: list[dict], answer: type[A], *, check: Callable[[A], None] | None = None,
            usage: LLMUsage | None = None, until: float | None = None) -> A:  # fmt: skip
        """The validated answer, from the cache or the server. An invalid reply gets one retry that names its
        fault; an HTTP error, a timeout or a second invalid reply raises LLMFailure. `until` (a time.monotonic()
        value) ends every request by then, however many there are."""
        usage = usage if usage is not None else self.new_usage()
        schema = answer.model_json_schema()
        key = self.key(messages, schema)
        if self.cache is not None and (content := self.cache.get(key)) is not None:
            try:
                parsed = parse_answer(content, answer, check)
                self._count(usage, cached=1)
                return parsed
            except InvalidAnswer:
                pass  # cached under a check that has since changed: ask again
        conversation = list(messages)
        for attempt in (1, 2):
            content = self._post(conversation, answer.__name__, schema, usage, until)
            try:
                parsed = parse_answer(content, answer, check)
            except InvalidAnswer as exc:
                if attempt == 2:
                    self._count(usage, failed=1)
                    raise LLMFailure(f"invalid answer twice ({exc})") from None
                conversation += [
                    {"role": "assistant", "content": content[:4000]},
                    {"role": "user", "content": f"That reply is not valid: {exc}. Reply again with only the JSON "
                                                "object, following the schema and the instructions."},
                ]  # fmt: skip
                continue
            if self.cache is not None:
                self.cache.put(key, self.config.model, content)
            return parsed
        raise AssertionError("unreachable")

    def _post(self, messages: list[dict], name: str, schema: dict, usage: LLMUsage, until: float | None) -> str:
        import httpx

        limit = self.config.timeout if until is None else min(self.config.timeout, until - time.monotonic())
        if limit <= 0:
            self._count(usage, failed=1)
            raise LLMFailure("no time left in the analysis deadline")
        body = {"model": self.config.model, "messages": messages, "temperature": 0, "max_tokens": MAX_TOKENS,
                "stream": False}  # fmt: skip
        if self._schema_output:
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": name, "schema": schema, "strict": True}}  # fmt: skip
        headers = {"Authorization": f"Bearer {self.config.api_key}"} if self.config.api_key else {}
        t0 = time.monotonic()
        try:
            raw, status = self._read(self._client(), body, headers, limit, t0)
        except httpx.TimeoutException:
            raise self._fail(usage, t0, f"no answer within {limit:.0f} s") from None
        except httpx.HTTPError as exc:
            raise self._fail(usage, t0, f"cannot reach {self.config.endpoint} ({type(exc).__name__})") from None
        if status == 400 and "response_format" in body and re.search(r"response_format|json_schema|schema",
                                                                     _error_message(raw), flags=re.I):  # fmt: skip
            # A server without JSON-schema output (older llama.cpp or vLLM builds): ask without it from now on.
            self._schema_output = False
            self._count(usage, requests=1, seconds=time.monotonic() - t0)
            return self._post(messages, name, schema, usage, until)
        if 300 <= status < 400:  # not followed: the API key would go wherever the redirect points
            raise self._fail(usage, t0, f"HTTP {status} redirect not followed: give the server's final URL")
        if status >= 400:
            raise self._fail(usage, t0, f"HTTP {status} from the server: {_error_message(raw)}")
        try:
            envelope = json.loads(raw)
            content = envelope["choices"][0]["message"]["content"] or ""
            tokens = envelope.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError):
            content, tokens = raw.decode("utf-8", "replace"), {}  # judged (and retried) like an invalid answer
        self._count(usage, requests=1, seconds=time.monotonic() - t0,
                    prompt_tokens=_int(tokens.get("prompt_tokens")),
                    completion_tokens=_int(tokens.get("completion_tokens")))  # fmt: skip
        return content

    def _read(self, client, body: dict, headers: dict, limit: float, t0: float) -> tuple[bytes, int]:
        """The whole response within `limit` seconds and MAX_RESPONSE_BYTES (httpx's timeouts are per read)."""
        import httpx

        chunks, size = [], 0
        with client.stream("POST", self.config.endpoint, json=body, headers=headers,
                           timeout=httpx.Timeout(limit)) as response:  # fmt: skip
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise httpx.ReadError("response over 1 MB")
                if time.monotonic() - t0 > limit:
                    raise httpx.ReadTimeout("too slow")
                chunks.append(chunk)
            return b"".join(chunks), response.status_code

    def _client(self):
        import httpx

        with self._lock:
            if self._http is None:
                # trust_env: the user's own endpoint, so HTTP(S)_PROXY and NO_PROXY apply as for any client
                self._http = httpx.Client(follow_redirects=False, trust_env=True)
            return self._http

    def _fail(self, usage: LLMUsage, t0: float, why: str) -> LLMFailure:
        self._count(usage, requests=1, failed=1, seconds=time.monotonic() - t0)
        return LLMFailure(why)

    def _count(self, usage: LLMUsage, **add: float) -> None:
        with self._lock:
            for name, value in add.items():
                setattr(usage, name, getattr(usage, name) + value)
            usage.seconds = round(usage.seconds, 3)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


def parse_answer(content: str, answer: type[A], check: Callable[[A], None] | None = None) -> A:
    """The JSON object in `content`, validated. Tolerated around it: a code fence, words, and the <think> block
    reasoning models (Qwen3, DeepSeek-R1 via llama.cpp or Ollama) put first."""
    from pydantic import ValidationError

    text = re.sub(r"<think>.*?</think>", "", content, flags=re.S).strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, flags=re.S)
    if fenced:
        text = fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise InvalidAnswer("no JSON object in the reply")
    try:
        parsed = answer.model_validate_json(text[start : end + 1])
    except ValidationError as exc:
        raise InvalidAnswer("; ".join(_short(e) for e in exc.errors()[:3])) from None
    if check is not None:
        try:
            check(parsed)
        except ValueError as exc:
            raise InvalidAnswer(str(exc)) from None
    return parsed


def _short(error: dict) -> str:
    where = ".".join(str(p) for p in error.get("loc", ())) or "reply"
    return f"{where}: {error.get('msg', 'invalid')}"


def _error_message(raw: bytes) -> str:
    try:
        err = json.loads(raw).get("error")
        message = err.get("message") if isinstance(err, dict) else err
    except (ValueError, AttributeError):
        message = None
    return " ".join(str(message or raw[:200].decode("utf-8", "replace")).split())[:200]


def _int(value) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


# Every LLM step of one analysis (decompose, verdict) shares the report's usage record and its deadline.
def usage_of(report: Report, client: LLMClient) -> LLMUsage:
    """The report's LLM usage record (created on first use), which every LLM step adds to."""
    if report.llm is None:
        report.llm = client.new_usage()
    return report.llm


def ask_until(report: Report) -> float | None:
    """The time.monotonic() by which every LLM request must end: the analysis deadline less a margin."""
    deadline = report.cache.get("deadline")
    return None if deadline is None or deadline.seconds is None else deadline.at - DEADLINE_MARGIN_S
