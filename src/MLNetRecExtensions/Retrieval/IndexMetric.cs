namespace MLNetRecExtensions.Retrieval;

/// <summary>The similarity an <see cref="IEmbeddingIndex"/> ranks by (higher is better).</summary>
public enum IndexMetric
{
    /// <summary>
    /// <c>query · item + bias[item]</c> (maximum inner product), the score of <see cref="IEmbeddingModel"/>; item
    /// biases are supported (HNSW appends the bias as one more dimension, the query a constant 1).
    /// </summary>
    InnerProduct = 0,

    /// <summary>
    /// <c>(query · item) / (‖query‖ ‖item‖)</c>; item biases are not allowed (they have no meaning on the unit sphere).
    /// Zero vectors score 0.
    /// </summary>
    Cosine = 1,
}
