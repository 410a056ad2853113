using System.Globalization;

namespace MLNetRecExtensions.ModelSelection;

/// <summary>
/// One point of the search space: a model family and its hyper-parameters by option name (the names of the
/// trainers' <c>Options</c>: <c>ApproximationRank</c>, <c>Lambda</c>, <c>Alpha</c>, <c>NumberOfIterations</c>,
/// <c>LearningRate</c>, <c>EmbeddingDimension</c>, <c>NumberOfEpochs</c>, <c>Temperature</c>, <c>CandidateCount</c>).
/// An option not listed keeps the trainer's default.
/// </summary>
/// <param name="Kind">The model family.</param>
/// <param name="Parameters">Option name → value.</param>
public sealed record TrialSettings(RecommenderKind Kind, IReadOnlyDictionary<string, double> Parameters)
{
    /// <summary>The family's defaults (no parameter overridden).</summary>
    public static TrialSettings Defaults(RecommenderKind kind) => new(kind, new Dictionary<string, double>());

    /// <summary>The value of <paramref name="name"/>, or <paramref name="fallback"/> when not set.</summary>
    public double Get(string name, double fallback) => Parameters.TryGetValue(name, out var v) ? v : fallback;

    /// <summary>"name=value" pairs in name order ("defaults" when empty), e.g. <c>ApproximationRank=32 Lambda=5</c>.</summary>
    public string Describe() => Parameters.Count == 0 ? "defaults"
        : string.Join(" ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("G6", CultureInfo.InvariantCulture)}"));

    /// <summary>Value equality over the kind and the parameters.</summary>
    public bool Equals(TrialSettings? other) => other != null && other.Kind == Kind && Describe() == other.Describe();

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Describe());
}
