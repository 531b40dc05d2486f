"""What the optional LLM costs per article: requests, tokens, time waiting for the server, and what a re-run costs
(the disk cache answers it).

    .venv/bin/python benchmarks/llm_cost.py --llm-url http://127.0.0.1:8080/v1 --llm-model qwen2.5-7b-instruct
    .venv/bin/python benchmarks/llm_cost.py --fake [--fake-delay 0.5]

The example article is analysed with the demo corpus (examples/corpus-iraq) in a temporary home, three times:
without the LLM, with it (cache empty), and again (cache full). `--fake` answers with the tests' fake server on
127.0.0.1 (tests/llmfake.py): its token counts are characters / 4, not a tokenizer's, and its answers are canned,
so it measures veracity's own overhead and the number and size of the prompts, not a model. The last line is
`llm_seconds_per_article=...`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from machine import describe, machine_line

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "examples/globalresearch-canada-iraq-mosul.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-url")
    parser.add_argument("--llm-model", default="fake-model")
    parser.add_argument("--fake", action="store_true", help="answer with the tests' fake server on 127.0.0.1")
    parser.add_argument("--fake-delay", type=float, default=0.0, help="seconds the fake server waits per answer")
    parser.add_argument("--json-out", type=Path, default=ROOT / "benchmarks/results/llm_cost.json")
    args = parser.parse_args()
    if not (args.fake or args.llm_url):
        parser.error("give --llm-url (and --llm-model) or --fake")

    from veracity import AnalyzeOptions, Analyzer
    from veracity.evidence.collections import add_documents
    from veracity.evidence.store import Store

    print(machine_line())
    server = nullcontext()
    if args.fake:
        sys.path.insert(0, str(ROOT / "tests"))
        from llmfake import FakeLLM, canned

        server = FakeLLM(canned, delay=args.fake_delay)
    with tempfile.TemporaryDirectory(prefix="veracity-llm-bench-") as tmp, server as fake:
        home = Path(tmp)
        add_documents(Store(home), "iraq", [ROOT / "examples/corpus-iraq"])
        base = AnalyzeOptions(corpora=["iraq"], home=home, timeout=3600)
        url = fake.url if args.fake else args.llm_url
        with_llm = base.replace(llm_url=url, llm_model=args.llm_model, llm_timeout=600)
        local = Analyzer(options=base)
        local(path=ARTICLE)  # warm-up: models loaded
        runs = {}
        for name, analyzer in (("local", local), ("llm", Analyzer(options=with_llm)), ("llm_cached", None)):
            analyzer = analyzer or runs["llm"][1]
            t0 = time.perf_counter()
            report = analyzer(path=ARTICLE)
            runs[name] = (time.perf_counter() - t0, analyzer, report)
        prompt_chars = sum(len(json.dumps(r["messages"])) for r in fake.requests) if args.fake else None
    report, again = runs["llm"][2], runs["llm_cached"][2]
    deciders = [c.verdict.decider for c in report.claims if c.verdict]
    u = report.llm
    result = {
        "machine": describe(), "server": "fake (tests/llmfake.py)" if args.fake else args.llm_url,
        "model": args.llm_model, "fake_delay_s": args.fake_delay if args.fake else None,
        "article_words": len(report.document.text.split()), "claims": len(report.claims),
        "verdicts_by_llm": sum(d.startswith("llm:") for d in deciders), "verdicts_local": deciders.count("local"),
        "local_seconds": round(runs["local"][0], 2), "llm_seconds_total": round(runs["llm"][0], 2),
        "llm_requests": u.requests, "llm_failed": u.failed, "prompt_tokens": u.prompt_tokens,
        "completion_tokens": u.completion_tokens, "llm_wait_seconds": u.seconds, "prompt_chars": prompt_chars,
        "rerun_seconds": round(runs["llm_cached"][0], 2), "rerun_requests": again.llm.requests,
        "rerun_cached": again.llm.cached,
    }  # fmt: skip
    print(f"article: {result['article_words']} words, {result['claims']} claims; verdicts by the LLM "
          f"{result['verdicts_by_llm']}, local {result['verdicts_local']}")  # fmt: skip
    print(f"without the LLM {result['local_seconds']} s; with it {result['llm_seconds_total']} s: "
          f"{u.requests} requests ({u.failed} failed), {u.prompt_tokens:,} prompt + {u.completion_tokens:,} "
          f"completion tokens, {u.seconds:.1f} s waiting for the server"
          + (f", {prompt_chars:,} prompt characters" if prompt_chars else ""))  # fmt: skip
    print(f"re-run: {result['rerun_seconds']} s, {again.llm.requests} requests, {again.llm.cached} cached answers")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"llm_seconds_per_article={result['llm_seconds_total']}")


if __name__ == "__main__":
    main()
