namespace MLNetRecExtensions.Sessions;

/// <summary>
/// Next-item metrics of one recommender on one test set: Recall@N (the share of predictions whose target ranks in
/// the top N) and MRR@N (the mean of 1/rank, 0 beyond N), over every event of every test session that has a next
/// event. Ranks are conservative: rank = number of items scoring ≥ the target (ties count against the target).
/// </summary>
public sealed class SessionMetrics
{
    private readonly double[] _recall;
    private readonly double[] _mrr;

    internal SessionMetrics(string name, int[] cutoffs, double[] recall, double[] mrr, long predictions)
    {
        Name = name;
        Cutoffs = cutoffs;
        _recall = recall;
        _mrr = mrr;
        Predictions = predictions;
    }

    /// <summary>The recommender's name.</summary>
    public string Name { get; }
    /// <summary>The list lengths N measured.</summary>
    public IReadOnlyList<int> Cutoffs { get; }
    /// <summary>Number of next-item predictions scored.</summary>
    public long Predictions { get; }

    /// <summary>Recall@<paramref name="n"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> was not measured.</exception>
    public double Recall(int n) => _recall[Index(n)];

    /// <summary>MRR@<paramref name="n"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> was not measured.</exception>
    public double Mrr(int n) => _mrr[Index(n)];

    private int Index(int n)
    {
        int i = Array.IndexOf((int[])Cutoffs, n);
        if (i < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"Cutoff {n} was not measured; measured: {string.Join(", ", Cutoffs)}.");
        return i;
    }
}
