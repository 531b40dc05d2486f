"""Where a speed figure was measured: cores, CPU model and the vector extensions onnxruntime's int8 kernels use.

The same models and code ran 2.2x slower on one 2-core host than on another, so every speed benchmark prints
this line beside its numbers.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

INT8_EXTENSIONS = ("avx512_vnni", "avx_vnni", "avx512f", "avx2")


def describe() -> dict[str, object]:
    cpu, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                cpu = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    except OSError:  # not Linux: the model name from platform is all we know
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "vector": [x for x in INT8_EXTENSIONS if x in flags],
        "machine": platform.machine(),
        "python": platform.python_version(),
    }


def machine_line(m: dict[str, object] | None = None) -> str:
    """One line for a benchmark's output, from `describe()` or the dict it returned earlier."""
    m = m or describe()
    vector = "+".join(m["vector"]) or "none of " + "/".join(INT8_EXTENSIONS)  # type: ignore[arg-type]
    return f"machine: nproc={m['nproc']} cpu={m['cpu']!r} vector={vector} {m['machine']} python={m['python']}"
