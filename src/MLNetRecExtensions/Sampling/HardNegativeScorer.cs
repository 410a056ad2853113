namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Scores candidate items for a user, e.g. the current model's logits u·v: writes the score of
/// <paramref name="candidates"/>[k] to <paramref name="scores"/>[k] (both of the same length). Higher = harder.
/// </summary>
/// <param name="user">0-based user index.</param>
/// <param name="candidates">0-based item indices to score.</param>
/// <param name="scores">Output, one score per candidate.</param>
public delegate void HardNegativeScorer(int user, ReadOnlySpan<int> candidates, Span<float> scores);
