using MLNetRecExtensions.ModelSelection;

namespace MLNetRecExtensions.Cli;

/// <summary>The model names accepted by <c>--models</c>.</summary>
internal static class ModelList
{
    private static readonly Dictionary<string, RecommenderKind> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["popularity"] = RecommenderKind.Popularity,
        ["ials"] = RecommenderKind.ImplicitAls,
        ["als"] = RecommenderKind.ImplicitAls,
        ["mf"] = RecommenderKind.MatrixFactorization,
        ["twotower"] = RecommenderKind.TwoTower,
        ["twostage"] = RecommenderKind.TwoStage,
    };

    public const string Accepted = "popularity, ials, mf, twotower, twostage";

    /// <exception cref="UsageException">An unknown name or an empty list.</exception>
    public static IReadOnlyList<RecommenderKind> Parse(IEnumerable<string> names)
    {
        var kinds = names.Select(n => Names.TryGetValue(n.Trim(), out var k) ? k
            : throw new UsageException($"--models: unknown model '{n}'; use a comma-separated list of {Accepted}")).Distinct().ToList();
        return kinds.Count > 0 ? kinds : throw new UsageException($"--models must name at least one of {Accepted}");
    }
}
