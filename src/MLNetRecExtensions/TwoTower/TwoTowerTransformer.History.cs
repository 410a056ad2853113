using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.TwoTower;

/// <summary>"Recommend for these recent items" through the user tower.</summary>
public sealed partial class TwoTowerTransformer : IHistoryEmbeddingModel
{
    /// <summary>
    /// The embedding of a NEW user whose only inputs are <paramref name="items"/> (0-based item indices) as history:
    /// the user tower with no ID, the items mean-pooled, missing categoricals and mean continuous values — what
    /// <see cref="ComputeUserEmbedding"/> gives for <c>new TwoTowerUserFeatures { History = items }</c>. The pooling is
    /// an unweighted mean, so <paramref name="weights"/> are checked but do not change the result.
    /// </summary>
    /// <remarks>Fallback: with no items, or for a model trained without a history column
    /// (<see cref="TwoTowerOptions.HistoryColumnName"/> null, which cannot read items), the answer is
    /// <see cref="FallbackUserEmbedding"/> and <see cref="HistoryEmbedding.IsFallback"/> is true.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside [0, items) or a weight is not finite.</exception>
    /// <exception cref="ArgumentException">The weights are not empty and differ in length from the items.</exception>
    public HistoryEmbedding EmbedHistory(ReadOnlySpan<int> items, ReadOnlySpan<float> weights)
    {
        if (weights.Length != 0 && weights.Length != items.Length)
            throw new ArgumentException($"Got {items.Length} items but {weights.Length} weights; pass one weight per item, or none.", nameof(weights));
        for (int k = 0; k < weights.Length; k++)
            if (!float.IsFinite(weights[k]))
                throw new ArgumentOutOfRangeException(nameof(weights), weights[k], $"Position {k}: weight {weights[k]} must be finite.");
        for (int k = 0; k < items.Length; k++)
            if ((uint)items[k] >= (uint)ItemEmbeddings.Count)
                throw new ArgumentOutOfRangeException(nameof(items), items[k], $"Position {k}: item index {items[k]} is outside [0, {ItemEmbeddings.Count}) (0-based: key − 1).");
        if (items.Length == 0 || !Options.HasHistory)
            return new HistoryEmbedding((float[])FallbackUserEmbedding.Clone(), null, isFallback: true);
        return new HistoryEmbedding(ComputeUserEmbedding(new TwoTowerUserFeatures { History = items.ToArray() }), null, isFallback: false);
    }
}
