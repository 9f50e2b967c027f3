import numpy as np

from biobridge_train.ligand_study import first_ranks, neighbour_flow, neighbour_matrix, paired_interval


def test_first_ranks_take_the_best_true_candidate_and_count_ties_half():
    scores = np.array([[0.9, 0.5, 0.5, 0.5, 0.1], [0.2, 0.2, 0.2, 0.2, 0.2]])
    # Query 0: true candidates 1 and 4, the best is 1, tied with two others (rank 2 + 2/2 = 3).
    # Query 1: every score equal, so the true candidate sits in the middle of 5 (rank 3).
    assert first_ranks(scores, [np.array([1, 4]), np.array([0])]).tolist() == [3.0, 3.0]


def test_neighbour_matrix_keeps_the_k_most_similar_other_proteins_with_rows_summing_to_one():
    # Two targets (proteins 0 and 2) among four proteins.
    similarity = np.array([[1.0, 0.8, 0.2, 0.4], [0.3, 0.0, 1.0, 0.6]])
    neighbours = neighbour_matrix(similarity, np.array([0, 2]), k=2, power=1)
    np.testing.assert_allclose(neighbours, [[0, 0.8 / 1.2, 0, 0.4 / 1.2], [0.3 / 0.9, 0, 0, 0.6 / 0.9]])
    squared = neighbour_matrix(similarity, np.array([0, 2]), k=1, power=2)
    np.testing.assert_allclose(squared, [[0, 1, 0, 0], [0, 0, 0, 1]])


def test_neighbour_flow_moves_a_target_score_to_its_neighbours_in_proportion():
    neighbours = np.array([[0, 0.75, 0, 0.25], [0.5, 0, 0, 0.5]])
    np.testing.assert_allclose(neighbour_flow(np.array([[1.0, 0.0]]), neighbours), [[0, 0.75, 0, 0.25]])
    np.testing.assert_allclose(neighbour_flow(np.array([[0.4, 0.2]]), neighbours), [[0.1, 0.3, 0, 0.2]])


def test_paired_interval_brackets_the_mean_difference_and_is_zero_width_for_no_difference():
    delta = np.array([1.0, 0.0, 0.0, 1.0, 0.0, -1.0, 1.0, 0.0])
    mean, low, high = paired_interval(delta, resamples=500)
    assert mean == 0.25 and low < mean < high
    assert paired_interval(np.zeros(10)) == (0.0, 0.0, 0.0)
