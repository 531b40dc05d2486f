"""The hostile-server cases of issue 28, run by benchmarks/fuzz.py before the generated inputs (`--hostile-only`
runs just these): a server on 127.0.0.1 that trickles headers or a body, stays silent, redirects slowly or sends a
`gzip, gzip` bomb; a 1 MB .warc.gz whose record inflates to 1 GB through `veracity corpus add`; and a hostile URL
queued before a plain job in a one-worker server. Each case states what must happen; the fetch cases use the
default deadline (FetchPolicy.timeout_s, 15 s), the memory cases run in a process of their own.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bombs import MB, run_measured, warc_bomb  # noqa: E402  (tests/ is not a package)
from hostile_server import hostile_server  # noqa: E402

SLACK_S = 2.0  # over the deadline, for a loaded machine
WORKER_SLACK_S = 15.0  # past the job timeout, on a loaded machine (a fetch stuck for the trickle: 120 s)
RSS_LIMIT_MB = 600  # the maintainers' bar for the WARC bomb


def _fetch_case(url: str, path: str, expect: str) -> dict:
    from veracity.errors import FetchError
    from veracity.ingest.fetch import FetchPolicy, fetch_url

    policy = FetchPolicy(address_allowed=lambda ip: ip.is_loopback)
    t0 = time.perf_counter()
    try:
        fetch_url(f"{url}{path}", policy)
        message = "fetched"
    except FetchError as exc:
        message = str(exc)
    seconds = time.perf_counter() - t0
    ok = expect in message and seconds <= policy.timeout_s + SLACK_S
    return {"case": f"fetch {path}", "ok": ok, "seconds": round(seconds, 2), "detail": message[:160]}


def _measured_case(name: str, command: list[str], expect: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("VERACITY_DB_URL", None)
    t0 = time.perf_counter()
    done, peak_mb = run_measured(command, env=env, timeout=600)
    seconds = time.perf_counter() - t0
    output = done.stdout + done.stderr
    ok = expect in output and "Traceback" not in output and peak_mb <= RSS_LIMIT_MB
    return {"case": name, "ok": ok, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb),
            "detail": " ".join(output.split())[:160]}  # fmt: skip


def _stuck_worker_case(url: str) -> dict:
    from fastapi.testclient import TestClient

    from veracity.ingest.fetch import FetchPolicy
    from veracity.web.app import create_app
    from veracity.web.security import Settings
    from webfakes import FakeAnalyzer

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), extra_hosts=("testserver",), timeout=5.0, workers=1)
        app = create_app(settings, analyzer_factory=FakeAnalyzer, warm_up=False,
                         fetch_policy=FetchPolicy(address_allowed=lambda ip: ip.is_loopback))  # fmt: skip
        with TestClient(app) as client:
            t0 = time.perf_counter()
            client.post("/v1/analyze", json={"url": f"{url}/trickle-headers"})
            plain = client.post("/v1/analyze", json={"text": "Officials said 200 soldiers stay."}).json()["id"]
            status = "queued"
            while status in ("queued", "running") and time.perf_counter() - t0 < 60:
                time.sleep(0.1)
                status = client.get(f"/v1/jobs/{plain}").json()["status"]
            seconds = time.perf_counter() - t0
    ok = status == "done" and seconds <= settings.timeout + WORKER_SLACK_S
    detail = f"plain job after a trickling URL, one worker, 5 s timeout: {status}"
    return {"case": "server: stuck fetch frees the worker", "ok": ok, "seconds": round(seconds, 2), "detail": detail}


def run_cases(log=print) -> list[dict]:
    """Every hostile case once; each row says whether it went as it must."""
    rows = []
    with hostile_server() as server:
        for path, expect in [("/trickle-headers", "timed out"), ("/trickle-body", "timed out"),
                             ("/silent", "timed out"), ("/slow-redirect/0", "timed out"),
                             ("/brotli", "unsupported content encoding"), ("/gzip", "fetched")]:  # fmt: skip
            rows.append(_fetch_case(server.url, path, expect))
            log(rows[-1])
        script = (
            "from veracity.errors import FetchError\nfrom veracity.ingest.fetch import FetchPolicy, fetch_url\n"
            f"try: fetch_url({server.url + '/bomb'!r}, FetchPolicy(address_allowed=lambda ip: ip.is_loopback))\n"
            "except FetchError as exc: print(exc)\n"
        )
        rows.append(_measured_case("fetch gzip,gzip bomb (1 GB)", [sys.executable, "-c", script], "once decompressed"))
        log(rows[-1])
        rows.append(_stuck_worker_case(server.url))
        log(rows[-1])
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.warc.gz"
        bomb.write_bytes(warc_bomb(1024 * MB))
        command = [sys.executable, "-c", "from veracity.cli import app; app()", "corpus", "add", "bomb", str(bomb),
                   "--home", str(Path(tmp) / "home")]  # fmt: skip
        rows.append(_measured_case("corpus add of a WARC bomb (1 MB -> 1 GB)", command, "once decompressed"))
        log(rows[-1])
    return rows


def summary_line(rows: list[dict]) -> str:
    rss = {r["case"]: r["peak_rss_mb"] for r in rows if "peak_rss_mb" in r}
    worst = max(rows, key=lambda r: r["seconds"])
    rss_text = ", ".join(f"{v} MB {k.split(' (')[0]}" for k, v in rss.items())
    return (f"hostile={sum(r['ok'] for r in rows)}/{len(rows)} as required; worst {worst['seconds']} s "
            f"({worst['case']}); peak RSS {rss_text}")  # fmt: skip
