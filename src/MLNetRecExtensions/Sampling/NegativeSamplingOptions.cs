using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Options of <see cref="NegativeSamplingEstimator"/>: the sampler options plus the columns. Output rows hold the
/// user and item key columns, the optional weight column, the <see cref="PassThroughColumns"/> and the label; every
/// other input column is dropped.
/// </summary>
public sealed class NegativeSamplingOptions : NegativeSamplerOptions
{
    /// <summary>Key-typed user column, copied from a positive onto its negatives. Default <c>UserId</c>.</summary>
    public string UserColumnName { get; set; } = InteractionColumns.User;

    /// <summary>Key-typed item column; a negative row holds the sampled item. Default <c>ItemId</c>.</summary>
    public string ItemColumnName { get; set; } = InteractionColumns.Item;

    /// <summary>
    /// Output label column: true / 1 for a positive, false / 0 for a negative. Default <c>Label</c>; an input column
    /// of that name is replaced.
    /// </summary>
    public string LabelColumnName { get; set; } = InteractionColumns.Label;

    /// <summary>
    /// Type of the label: <see cref="DataKind.Boolean"/> (default; ML.NET's binary trainers such as SDCA logistic
    /// regression, FastTree and field-aware factorization machines need it) or <see cref="DataKind.Single"/>
    /// (regression or ranking learners).
    /// </summary>
    public DataKind LabelType { get; set; } = DataKind.Boolean;

    /// <summary>
    /// Optional <c>Single</c> example-weight column: positives keep their weight, negatives get
    /// <see cref="NegativeWeight"/>. Default null (no weight column).
    /// </summary>
    public string? WeightColumnName { get; set; }

    /// <summary>Weight of a negative row when <see cref="WeightColumnName"/> is set. Default 1.</summary>
    public float NegativeWeight { get; set; } = 1f;

    /// <summary>
    /// Columns copied unchanged from a positive onto its negatives: user-side or context columns (user features,
    /// time, device). Do not list item-side features: on a negative row they would describe the positive item.
    /// Join item features after sampling instead, e.g. with <c>MapValue</c> on the item key. Default none.
    /// </summary>
    public string[] PassThroughColumns { get; set; } = [];
}
