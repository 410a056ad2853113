using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Serving.Bundle;

/// <summary>
/// A two-tower model's user tower inside a serving bundle: embeds a NEW user from the items they interacted with
/// (the tower's history input; no user ID, missing categoricals, the training means of the continuous columns),
/// exactly as <see cref="TwoTowerTransformer.EmbedHistory"/> does — the same scorer, so the vectors are bit-identical.
/// Stored as the bundle entries <c>user-tower.f32</c> (the packed scorer, format of the saved two-tower chain) and
/// <c>user-tower-continuous.f32</c> (the means). Only models with a history input have one (a tower that cannot read
/// items would give every new user the same vector, which the popularity fallback already answers better).
/// </summary>
internal sealed class UserTower
{
    private readonly UserTowerScorer _scorer;

    private UserTower(UserTowerScorer scorer, float[] continuous)
    {
        _scorer = scorer;
        Continuous = continuous;
    }

    /// <summary>Raw continuous inputs of a new user.</summary>
    public float[] Continuous { get; }

    /// <summary>Embedding length.</summary>
    public int Dimension => _scorer.Dimension;

    /// <summary>Catalog size the tower was trained on.</summary>
    public int ItemCount => _scorer.ItemCount;

    /// <summary>The tower of <paramref name="model"/> when it is a two-tower model with a history input, else null.</summary>
    public static UserTower? From(IEmbeddingModel model) =>
        model is TwoTowerTransformer { Options.HasHistory: true } tower ? new UserTower(tower.Scorer, tower.NewUserContinuous) : null;

    /// <summary>The packed scorer (entry <c>user-tower.f32</c>).</summary>
    public float[] Pack() => _scorer.Pack();

    /// <summary>Reads what <see cref="Pack"/> and <see cref="Continuous"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The packed scorer is not a two-tower model or the means do not fit it.</exception>
    public static UserTower Unpack(float[] packed, float[] continuous)
    {
        var scorer = UserTowerScorer.Unpack(packed);
        if (scorer.HistoryTable == null)
            throw new InvalidDataException("user-tower.f32 holds a user tower without a history input; it cannot embed new users from items");
        if (continuous.Length > scorer.Scaler.RawWidth)
            throw new InvalidDataException($"user-tower-continuous.f32 holds {continuous.Length} values but the tower reads {scorer.Scaler.RawWidth} continuous slots");
        return new UserTower(scorer, continuous);
    }

    /// <summary>The embedding of a new user whose history is <paramref name="items"/> (0-based item indices).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside the tower's catalog.</exception>
    public float[] Embed(ReadOnlySpan<int> items)
    {
        for (int k = 0; k < items.Length; k++)
            if ((uint)items[k] >= (uint)ItemCount)
                throw new ArgumentOutOfRangeException(nameof(items), items[k], $"Position {k}: item index {items[k]} is outside [0, {ItemCount}).");
        var vector = new float[Dimension];
        _scorer.Embed(-1, items, [], [], Continuous, vector);
        return vector;
    }
}
