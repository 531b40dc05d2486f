"""A fake OpenAI-compatible chat-completions server on 127.0.0.1 for the LLM tests.

`FakeLLM(respond)` serves POST /v1/chat/completions; `respond(body)` returns the reply's message content (a str),
or (status, raw bytes) for an HTTP error or a broken envelope. Every request body is kept in `requests`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLM:
    def __init__(self, respond, *, delay: float = 0.0) -> None:
        self.respond, self.delay, self.requests = respond, delay, []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                if fake.delay:
                    time.sleep(fake.delay)
                out = fake.respond(body)
                status, raw = out if isinstance(out, tuple) else (200, envelope(out, body))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeLLM:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def envelope(content: str, body: dict) -> bytes:
    return json.dumps({
        "id": "chatcmpl-1", "object": "chat.completion", "model": body.get("model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": len(json.dumps(body["messages"])) // 4, "completion_tokens": len(content) // 4},
    }).encode()  # fmt: skip


def schema_name(body: dict) -> str:
    """The answer asked for: named by the JSON schema, or (a request without one) recognised from the prompt."""
    if "response_format" in body:
        return body["response_format"]["json_schema"]["name"]
    text = user_text(body)
    return "Judgement" if "\nLabels:\n" in text else "Decomposed" if '"standalone"' in text else "Questions"


def user_text(body: dict) -> str:
    return body["messages"][1]["content"]


def claim_of(body: dict) -> str:
    return re.search(r"^Claim: (.*)$", user_text(body), flags=re.M).group(1)


def evidence_of(body: dict) -> dict[str, str]:
    return dict(re.findall(r"^\[([SF]\d+)\] (.*)$", user_text(body), flags=re.M))


QUESTION = "What happened at the Mosul dam?"


def canned(body: dict) -> str:
    """Decomposes into the claim itself ("she said" resolved) plus a fixed question; judges a claim refuted by
    evidence that mentions one of its words and says "not", supported by evidence that mentions one, else not enough
    evidence."""
    name = schema_name(body)
    if name == "Decomposed":  # "she said" resolved from the context, as a model would
        claim = re.sub(r"\bshe said\b", "Defence minister Jane Doe said", claim_of(body))
        return json.dumps({"standalone": claim, "subclaims": [{"text": claim, "questions": [QUESTION]}]})
    if name == "Questions":
        return json.dumps({"questions": [QUESTION]})
    claim_words = {w for w in re.findall(r"[a-z]{5,}", claim_of(body).lower())}
    about = {i: t for i, t in evidence_of(body).items() if claim_words & set(re.findall(r"[a-z]{5,}", t.lower()))}
    against = [i for i, t in about.items() if " not " in f" {t.lower()} "]
    if against:
        return json.dumps({"label": "refuted", "evidence": against[:1], "rationale": f"{against[0]} denies it.",
                           "confidence": 0.8})  # fmt: skip
    if about:
        first = next(iter(about))
        return json.dumps({"label": "supported", "evidence": [first], "rationale": f"{first} says so.",
                           "confidence": 0.7})  # fmt: skip
    return json.dumps({"label": "not_enough_evidence", "evidence": [], "rationale": "Nothing given is about it.",
                       "confidence": 0.6})  # fmt: skip
