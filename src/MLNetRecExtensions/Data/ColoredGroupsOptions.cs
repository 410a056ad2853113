namespace MLNetRecExtensions.Data;

/// <summary>
/// Options of <see cref="ColoredGroupsGenerator"/>: users and items fall into <see cref="GroupCount"/> "colors";
/// a user interacts mostly with items of its own color, within a color item popularity follows a Zipf law.
/// Every option is checked by <see cref="Validate"/> (called by the generator).
/// </summary>
public sealed class ColoredGroupsOptions
{
    /// <summary>Number of groups (colors), at least 2. Default 6.</summary>
    public int GroupCount { get; set; } = 6;

    /// <summary>Number of users, at least <see cref="GroupCount"/>. Default 3000.</summary>
    public int UserCount { get; set; } = 3000;

    /// <summary>Number of items, at least <see cref="GroupCount"/>. Default 1200.</summary>
    public int ItemCount { get; set; } = 1200;

    /// <summary>
    /// Target mean number of interactions per user. Each user draws
    /// <see cref="MinInteractionsPerUser"/> + a geometric count with mean (this − minimum), capped at the size of
    /// the smallest group (so the realised mean can be slightly lower). Must lie in
    /// [<see cref="MinInteractionsPerUser"/>, ItemCount / GroupCount]. Default 25.
    /// </summary>
    public double InteractionsPerUser { get; set; } = 25;

    /// <summary>Minimum interactions of every user (≥ 1), so every user can be split. Default 5.</summary>
    public int MinInteractionsPerUser { get; set; } = 5;

    /// <summary>Probability in [0, 1] that an interaction is with an item of the user's own group. Default 0.95.</summary>
    public double InGroupProbability { get; set; } = 0.95;

    /// <summary>
    /// Zipf exponent s ≥ 0: within a group, the item of 0-based popularity rank r is drawn with weight 1/(r + 1)^s
    /// (0 = uniform). Default 1.
    /// </summary>
    public double ZipfExponent { get; set; } = 1.0;

    /// <summary>
    /// True (default): labels are ratings clamp(round(<see cref="RatingMean"/> + p_u·q_i + noise), 1, 5) from random
    /// user/item factors of rank <see cref="LatentRank"/> (p_u·q_i has unit variance) and Gaussian noise of
    /// <see cref="NoiseStdDev"/>. False: every label is 1 (implicit feedback).
    /// </summary>
    public bool ExplicitRatings { get; set; } = true;

    /// <summary>Rank of the latent factors behind explicit ratings, at least 1. Default 8.</summary>
    public int LatentRank { get; set; } = 8;

    /// <summary>Mean rating before clamping, in [1, 5]. Default 3.5.</summary>
    public double RatingMean { get; set; } = 3.5;

    /// <summary>Standard deviation (≥ 0) of the rating noise. Default 0.5.</summary>
    public double NoiseStdDev { get; set; } = 0.5;

    /// <summary>Earliest timestamp, in seconds. Default 1,600,000,000 (September 2020).</summary>
    public double StartTime { get; set; } = 1_600_000_000;

    /// <summary>
    /// Length of the time window in seconds (&gt; 0). Each user's interactions get strictly increasing whole-second
    /// timestamps spread over the window. Default 180 days.
    /// </summary>
    public double TimeSpanSeconds { get; set; } = 180 * 86_400;

    /// <summary>Random seed; a seed gives the same data set every time. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Checks every option; the exception names the option, its value and the allowed range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (GroupCount < 2) throw Bad(nameof(GroupCount), GroupCount, "at least 2");
        if (UserCount < GroupCount) throw Bad(nameof(UserCount), UserCount, $"at least GroupCount ({GroupCount})");
        if (ItemCount < GroupCount) throw Bad(nameof(ItemCount), ItemCount, $"at least GroupCount ({GroupCount})");
        if (MinInteractionsPerUser < 1) throw Bad(nameof(MinInteractionsPerUser), MinInteractionsPerUser, "at least 1");
        int smallestGroup = ItemCount / GroupCount;
        if (MinInteractionsPerUser > smallestGroup)
            throw Bad(nameof(MinInteractionsPerUser), MinInteractionsPerUser, $"at most ItemCount / GroupCount = {smallestGroup} (items in the smallest group)");
        if (!(InteractionsPerUser >= MinInteractionsPerUser && InteractionsPerUser <= smallestGroup))
            throw Bad(nameof(InteractionsPerUser), InteractionsPerUser,
                $"in [MinInteractionsPerUser, ItemCount / GroupCount] = [{MinInteractionsPerUser}, {smallestGroup}]; add items or lower it");
        if (!(InGroupProbability >= 0 && InGroupProbability <= 1)) throw Bad(nameof(InGroupProbability), InGroupProbability, "in [0, 1]");
        if (!(ZipfExponent >= 0 && double.IsFinite(ZipfExponent))) throw Bad(nameof(ZipfExponent), ZipfExponent, "a finite number ≥ 0");
        if (LatentRank < 1) throw Bad(nameof(LatentRank), LatentRank, "at least 1");
        if (!(RatingMean >= 1 && RatingMean <= 5)) throw Bad(nameof(RatingMean), RatingMean, "in [1, 5]");
        if (!(NoiseStdDev >= 0 && double.IsFinite(NoiseStdDev))) throw Bad(nameof(NoiseStdDev), NoiseStdDev, "a finite number ≥ 0");
        if (!double.IsFinite(StartTime)) throw Bad(nameof(StartTime), StartTime, "a finite number of seconds");
        if (!(TimeSpanSeconds > 0 && double.IsFinite(TimeSpanSeconds))) throw Bad(nameof(TimeSpanSeconds), TimeSpanSeconds, "a finite number > 0");
    }

    internal ColoredGroupsOptions Clone() => (ColoredGroupsOptions)MemberwiseClone();

    private static ArgumentOutOfRangeException Bad(string name, object value, string allowed) =>
        new(name, value, $"ColoredGroupsOptions.{name} is {value}; it must be {allowed}.");
}
