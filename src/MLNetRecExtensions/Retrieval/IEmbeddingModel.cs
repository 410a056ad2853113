namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// The contract of a fitted recommender whose ranking score for user <c>u</c> and item <c>i</c> is
/// <c>UserEmbeddings[u] · ItemEmbeddings[i] + ItemBiases[i]</c> (indices are 0-based: ML.NET key − 1).
/// Retrieval (ExactTopK) and the comparison harness use it to rank the whole catalog with SIMD
/// kernels instead of scoring (user, item) rows one at a time. Terms that are constant per user (user bias,
/// global mean) may be left out: they do not change a user's ranking.
/// </summary>
public interface IEmbeddingModel
{
    /// <summary>Name of the key-typed user column the model reads.</summary>
    string UserColumnName { get; }

    /// <summary>Name of the key-typed item column the model reads.</summary>
    string ItemColumnName { get; }

    /// <summary>User vectors, <c>[users, dimension]</c> row-major; row <c>u</c> belongs to user key <c>u + 1</c>.</summary>
    EmbeddingTable UserEmbeddings { get; }

    /// <summary>Item vectors, <c>[items, dimension]</c> row-major; row <c>i</c> belongs to item key <c>i + 1</c>.</summary>
    EmbeddingTable ItemEmbeddings { get; }

    /// <summary>Per-item additive ranking term, length <c>items</c>, or null when there is none.</summary>
    float[]? ItemBiases { get; }
}
