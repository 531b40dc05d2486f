"""Load on `veracity serve`: a few concurrent clients on 127.0.0.1 for a bounded time, each posting the example
article to POST /v1/analyze and polling its job until done.

    .venv/bin/python benchmarks/serve_load.py [--clients 4] [--seconds 60] [--workers 1] [--json-out PATH]

Starts its own server (a temporary $VERACITY_HOME, SQLite, real models) and stops it at the end. Prints p50/p95
latency from POST to done, throughput, errors (must be 0) and the server's peak RSS; the last line is
`errors=N p50_ms=... p95_ms=...`.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from machine import describe, machine_line

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "globalresearch-canada-iraq-mosul.txt"
MAX_REQUESTS_PER_CLIENT = 500  # a hard bound besides the time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def client_loop(base: str, text: str, until: float, latencies: list[float], errors: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= until:
                return
            t0 = time.perf_counter()
            try:
                job = http.post("/v1/analyze", json={"text": text}).raise_for_status().json()
                while job["status"] in ("queued", "running"):
                    time.sleep(0.05)
                    job = http.get(f"/v1/jobs/{job['id']}").raise_for_status().json()
                if job["status"] != "done":
                    errors.append(f"job {job['id']}: {job['error']}")
                    continue
                http.get(f"/v1/reports/{job['report_id']}").raise_for_status()
                latencies.append((time.perf_counter() - t0) * 1000)
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="the server's worker pool")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    port, home = free_port(), Path(tempfile.mkdtemp(prefix="veracity-load-"))
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "VERACITY_HOME": str(home)}
    env.pop("VERACITY_DB_URL", None)
    cmd = [sys.executable, "-c", "from veracity.cli import app; app()", "serve", "--port", str(port),
           "--workers", str(args.workers), "--rate-limit", "0"]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t0 = time.monotonic()
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).json()["ready"]:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() - t0 > 120 or server.poll() is not None:
                raise SystemExit("the server did not get ready")
            time.sleep(0.2)
        ready_s = time.monotonic() - t0
        text = EXAMPLE.read_text(encoding="utf-8")
        latencies: list[float] = []
        errors: list[str] = []
        started = time.monotonic()
        until = started + args.seconds
        threads = [threading.Thread(target=client_loop, args=(base, text, until, latencies, errors))
                   for _ in range(args.clients)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [float("nan")] * 19
    result = {"clients": args.clients, "seconds": args.seconds, "workers": args.workers, "ready_s": round(ready_s, 1),
              "done": len(latencies), "errors": len(errors), "analyses_per_s": round(len(latencies) / elapsed, 2),
              "p50_ms": round(statistics.median(latencies), 1) if latencies else None, "p95_ms": round(q[18], 1),
              "server_peak_rss_mb": round(rss), "machine": describe()}  # fmt: skip
    print(machine_line(result["machine"]))
    print(f"server ready (models loaded) in {ready_s:.1f} s; {args.clients} clients for {args.seconds:g} s, "
          f"{args.workers} worker(s)")  # fmt: skip
    print(f"done={result['done']} analyses/s={result['analyses_per_s']} "
          f"server_peak_rss_mb={result['server_peak_rss_mb']}")  # fmt: skip
    for e in errors[:5]:
        print(f"error: {e}")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"errors={len(errors)} p50_ms={result['p50_ms']} p95_ms={result['p95_ms']}")


if __name__ == "__main__":
    main()
