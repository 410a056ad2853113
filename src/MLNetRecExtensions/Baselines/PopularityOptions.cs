using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Baselines;

/// <summary>Options of <see cref="PopularityEstimator"/>.</summary>
public sealed class PopularityOptions
{
    /// <summary>Key-typed user column. Default <c>UserId</c>.</summary>
    public string UserColumnName { get; set; } = InteractionColumns.User;

    /// <summary>Key-typed item column. Default <c>ItemId</c>.</summary>
    public string ItemColumnName { get; set; } = InteractionColumns.Item;
}
