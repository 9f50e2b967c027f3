"""Makes ``biobridge_train`` importable when pytest runs from the repository root or from train/."""

import sys
from pathlib import Path

TRAIN_ROOT = Path(__file__).resolve().parent
if str(TRAIN_ROOT) not in sys.path:
    sys.path.insert(0, str(TRAIN_ROOT))

from biobridge_train.runtime import tune_allocator  # noqa: E402

tune_allocator()
