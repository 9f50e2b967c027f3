from pathlib import Path

import pytest

from biobridge_train.export_format import read_export
from biobridge_train.synthetic import TINY, make_synthetic_export


@pytest.fixture(scope="session")
def tiny_export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export") / "tiny"
    make_synthetic_export(directory, TINY, seed=7)
    return directory


@pytest.fixture()
def tiny_export(tiny_export_dir: Path):
    return read_export(tiny_export_dir)


@pytest.fixture()
def fresh_export_dir(tmp_path: Path) -> Path:
    """A private copy, for tests that write splits into the export."""
    directory = tmp_path / "export"
    make_synthetic_export(directory, TINY, seed=7)
    return directory
