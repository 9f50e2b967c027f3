"""Atomic file and directory writes: readers see the old content or the new, never a half."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Union

PathLike = Union[str, "os.PathLike[str]"]


def write_bytes_atomic(path: PathLike, data: bytes) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{secrets.token_hex(4)}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_json_atomic(path: PathLike, value: Any) -> None:
    write_bytes_atomic(path, (json.dumps(value, indent=2, sort_keys=False) + "\n").encode("utf-8"))


@contextmanager
def temporary_sibling(path: PathLike) -> Iterator[Path]:
    """Yields a fresh path beside ``path`` for a writer that needs a file name (``torch.save``),
    then renames it onto ``path`` when the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{secrets.token_hex(4)}")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()


@contextmanager
def build_directory_atomic(target: PathLike) -> Iterator[Path]:
    """Yields an empty staging directory beside ``target``; on success it replaces ``target``.

    The previous ``target`` stays in place until the new one is complete, and is restored when
    the final rename fails. A failure inside the block removes the staging directory.
    """
    destination = Path(target)
    destination.parent.mkdir(parents=True, exist_ok=True)
    suffix = secrets.token_hex(4)
    staging = destination.with_name(f".{destination.name}.tmp-{suffix}")
    retired = destination.with_name(f".{destination.name}.old-{suffix}")
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    had_previous = destination.exists()
    if had_previous:
        os.replace(destination, retired)
    try:
        os.replace(staging, destination)
    except BaseException:
        if had_previous:
            os.replace(retired, destination)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if had_previous:
        shutil.rmtree(retired, ignore_errors=True)
