using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// A provider of extra features for (user, candidate item) pairs, added by <see cref="PairFeatureBuilder"/> after its
/// core features: dense <c>Single</c> features (appended to the <c>Features</c> vector, in
/// <see cref="FeatureNames"/> order) and categorical key columns (<see cref="KeyColumns"/>) for models with embeddings
/// or crosses. Users and items are 0-based indices of the interaction key spaces.
/// <para>
/// Features that summarise interactions (e.g. a user's affinity to an item's genres) must be computed from the
/// history the ranker may see, which differs between ranker training (the base part of the training data) and
/// serving (all training data); <see cref="Bind"/> gives the source that history. Implement it for any side data;
/// <see cref="MovieLensPairFeatureSource"/> is the MovieLens 100K example.
/// </para>
/// </summary>
public interface IPairFeatureSource
{
    /// <summary>Names of the dense features this source writes, in order; their count is the source's dimension (may be 0).</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The categorical key columns this source writes (may be empty); names must be unique across sources.</summary>
    IReadOnlyList<PairFeatureKeyColumn> KeyColumns { get; }

    /// <summary>
    /// Returns the writer for pairs scored against <paramref name="history"/> (users × items, the interactions
    /// known at that stage). Called once per feature table, before any pair is written.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The history's user or item count does not fit the source's data.</exception>
    IPairFeatureWriter Bind(UserItemMatrix history);
}
