"""BioBridge trainer: reads a training export, trains the binding model, exports ONNX."""

import os as _os

# Read by libgomp when torch loads, so it must be set before the first `import torch`. With the
# default (spinning) policy, two OpenMP threads on a 2-core machine that also runs other work
# were 5x slower than one thread (155 vs 830 triples/s); passive waiting removes that cliff.
# An explicit OMP_WAIT_POLICY in the environment wins.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
