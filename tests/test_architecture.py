"""The floors hold: no import cycles, the product never imports the lab, contracts enforced."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
TRAINING_NAME = re.compile(r"^(train|eval|evaluate|finetune)")


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), counting imports inside functions too."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_in_the_package():
    assert _cycles(grimp.build_graph("veracity")) == []


def test_training_and_evaluation_live_in_the_lab():
    """Modules named train*/eval*/finetune* sit in veracity.lab; outside it only the two CLI doors carry such names."""
    graph = grimp.build_graph("veracity")
    named = {m for m in graph.modules if TRAINING_NAME.match(m.rsplit(".", 1)[-1]) and not m.startswith("veracity.lab")}
    assert named == {"veracity.cli.train", "veracity.cli.evaluate"}


def test_the_lab_rule_covers_every_top_level_module():
    """A new top-level package cannot slip past the rule: the forbidden contract's sources are everything but lab."""
    graph = grimp.build_graph("veracity")
    top = {".".join(m.split(".")[:2]) for m in graph.modules if m != "veracity"}
    lab = next(c for c in _contracts() if c["type"] == "forbidden")
    assert lab["forbidden_modules"] == ["veracity.lab"]
    assert set(lab["source_modules"]) == top - {"veracity.lab"}


def test_the_contracts_fail_when_the_product_imports_the_lab(tmp_path):
    """Break a copy of the package on purpose: lint-imports must say BROKEN and exit non-zero."""
    shutil.copytree(ROOT / "src" / "veracity", tmp_path / "veracity", ignore=shutil.ignore_patterns("*.onnx", "*.npz"))
    runtime = tmp_path / "veracity" / "runtime.py"
    runtime.write_text(runtime.read_text(encoding="utf-8") + "\nfrom veracity.claims import model  # noqa\n")
    view = tmp_path / "veracity" / "web" / "view.py"  # the hole of a name-list rule: a package-style import
    view.write_text(view.read_text(encoding="utf-8") + "\nfrom veracity.lab.claims import train  # noqa\n")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode != 0
    assert "Floors: front ends -> pipeline -> stages -> ground floor BROKEN" in result.stdout
    assert "The product never imports the lab BROKEN" in result.stdout
    assert "veracity.web.view -> veracity.lab.claims.train" in result.stdout


SRC = ROOT / "src" / "veracity"


def test_the_verdict_labels_are_written_out_once():
    """One table per concept: the four labels are listed in schema.VERDICT_LABELS and derived everywhere else."""
    labels = ('"supported"', '"refuted"', '"disputed"', '"not_enough_evidence"')
    listed = [str(p.relative_to(SRC)) for p in sorted(SRC.rglob("*")) if p.suffix in (".py", ".j2")
              for line in p.read_text(encoding="utf-8").splitlines() if all(label in line for label in labels)]
    assert listed == ["schema.py"]


def test_no_module_outside_the_lab_is_over_400_lines():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py") if "lab" not in p.relative_to(SRC).parts
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}  # fmt: skip
    assert long == {}
