using Microsoft.ML;

namespace MLNetRecExtensions.Data;

/// <summary>
/// A train/test split of <see cref="InteractionData"/>. Both parts keep the input's key spaces (user and item
/// counts), original ids and timestamps, and its row order.
/// </summary>
/// <param name="Train">Rows for training.</param>
/// <param name="Test">Held-out rows.</param>
public sealed record InteractionSplit(InteractionData Train, InteractionData Test)
{
    /// <summary>Train rows followed by test rows (same key spaces), e.g. every interaction a user had for the folding score.</summary>
    public InteractionData Combined() => new(Train.UserCount, Train.ItemCount, [.. Train.Users, .. Test.Users],
        [.. Train.Items, .. Test.Items], [.. Train.Labels, .. Test.Labels], null, Train.UserIds, Train.ItemIds);
}

/// <summary>
/// A train/test split of an <see cref="IDataView"/>. Both views have the input's schema (all columns, including
/// side features) and keep its row order.
/// </summary>
/// <param name="Train">Rows for training.</param>
/// <param name="Test">Held-out rows.</param>
public sealed record DataViewSplit(IDataView Train, IDataView Test);
