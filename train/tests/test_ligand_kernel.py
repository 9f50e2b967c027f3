import numpy as np
import pytest

from biobridge_train.ligand_kernel import PART_BYTES, fit_kernel_weights, mean_tanimoto, part_slices


def test_part_slices_follow_the_packed_layout_and_refuse_unknown_parts():
    slices = part_slices(["morgan2-count", "maccs"], PART_BYTES["morgan2-count"] + PART_BYTES["maccs"])
    assert slices == [slice(0, 4096), slice(4096, 4096 + 192)]
    with pytest.raises(SystemExit, match="unknown parts"):
        part_slices(["ecfp6"], 128)
    with pytest.raises(SystemExit, match="ligands.json says"):
        part_slices(["maccs"], 25)


def test_mean_tanimoto_averages_the_parts_and_counts_an_empty_part_as_zero():
    slices = [slice(0, 4), slice(4, 8)]
    left = np.array([[1, 1, 0, 0, 1, 0, 0, 0]], dtype=np.float32)
    right = np.array([[1, 0, 0, 0, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0, 0]], dtype=np.float32)
    # part 1: 1/2 and 0/4; part 2: 1/1 and 0/1 (the second drug sets nothing there)
    np.testing.assert_allclose(mean_tanimoto(left, right, slices), [[0.75, 0.0]])


def test_kernel_weights_recover_the_training_labels_as_ridge_vanishes():
    rng = np.random.default_rng(0)
    bits = (rng.random((12, 64)) < 0.3).astype(np.float32)
    labels = (rng.random((12, 5)) < 0.3).astype(np.float32)
    slices = [slice(0, 32), slice(32, 64)]
    weights = fit_kernel_weights(bits, labels, slices, ridge=1e-6)
    fitted = mean_tanimoto(bits, bits, slices) @ weights
    np.testing.assert_allclose(fitted, labels, atol=1e-3)
    # A large ridge shrinks every estimate towards 0.
    assert np.abs(mean_tanimoto(bits, bits, slices) @ fit_kernel_weights(bits, labels, slices, 100.0)).max() < 0.2
