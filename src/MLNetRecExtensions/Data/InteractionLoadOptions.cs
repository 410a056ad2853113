namespace MLNetRecExtensions.Data;

/// <summary>What a loader does when the same (user, item) pair appears on several lines.</summary>
public enum DuplicatePolicy
{
    /// <summary>Throw <see cref="InvalidDataException"/> naming the first repeated pair and both of its lines.</summary>
    Error = 0,
    /// <summary>Keep every row (e.g. repeated clicks in a session log). Splitters still keep all copies of a pair on one side.</summary>
    KeepAll = 1,
    /// <summary>Merge a pair's rows into one whose label is the sum of their labels (counts of implicit feedback).</summary>
    Sum = 2,
    /// <summary>Merge a pair's rows into one whose label is the mean of their labels (repeated explicit ratings).</summary>
    Mean = 3,
    /// <summary>Merge a pair's rows into one holding the label of the pair's last line in the file (a re-rating replaces the rating).</summary>
    Last = 4,
}

/// <summary>An inclusive range of plausible ratings, e.g. <c>new RatingRange(1, 5)</c> for MovieLens.</summary>
/// <param name="Min">Smallest accepted rating.</param>
/// <param name="Max">Largest accepted rating.</param>
public sealed record RatingRange(float Min, float Max)
{
    /// <summary>Accepts every finite rating and turns the scale check off.</summary>
    public static RatingRange Unbounded { get; } = new(float.MinValue, float.MaxValue);

    /// <summary>True when <paramref name="value"/> lies in [<see cref="Min"/>, <see cref="Max"/>].</summary>
    public bool Contains(float value) => value >= Min && value <= Max;

    /// <summary>Parses "MIN:MAX" (invariant culture), e.g. "1:5" or "0.5:5".</summary>
    /// <exception cref="FormatException">The text is not two numbers separated by ':' with MIN ≤ MAX.</exception>
    public static RatingRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length == 2
            && float.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var min)
            && float.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var max)
            && float.IsFinite(min) && float.IsFinite(max) && min <= max)
            return new RatingRange(min, max);
        throw new FormatException($"A rating range is written MIN:MAX with finite numbers and MIN <= MAX (e.g. \"1:5\"), got '{text}'.");
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"[{Min}, {Max}]");
}

/// <summary>
/// How the <see cref="InteractionLoaders"/> validate what they read beyond the syntax of each line. Every check names
/// the file, the 1-based line and the value it rejects.
/// </summary>
public sealed class InteractionLoadOptions
{
    /// <summary>
    /// The accepted ratings. Null (the default) means the format's own scale — 1–5 for MovieLens 100K and 1M, 0.5–5
    /// for the ML.NET tutorial CSV — and, for <see cref="InteractionLoaders.ReadDelimited"/>, a scale check: a rating
    /// further than 10,000 times the data's spread (1st–99th percentile, at least 1) beyond that spread is rejected
    /// as a typo such as 1e30. Set a range to accept exactly that range, or <see cref="RatingRange.Unbounded"/> to
    /// accept every finite rating.
    /// </summary>
    public RatingRange? RatingRange { get; set; }

    /// <summary>
    /// What to do with repeated (user, item) pairs. Null (the default) means <see cref="DuplicatePolicy.Error"/> for
    /// rating and interaction files and <see cref="DuplicatePolicy.KeepAll"/> for session logs, where repeated clicks
    /// are part of the sequence.
    /// </summary>
    public DuplicatePolicy? Duplicates { get; set; }

    /// <summary>Receives a line for each fix-up the loader applied (e.g. how many duplicate rows it merged). Default null.</summary>
    public Action<string>? Warnings { get; set; }
}
