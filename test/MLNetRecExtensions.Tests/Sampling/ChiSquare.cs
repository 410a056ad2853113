namespace MLNetRecExtensions.Tests.Sampling;

/// <summary>Pearson's chi-square goodness-of-fit statistic of observed counts against expected probabilities.</summary>
internal static class ChiSquare
{
    /// <summary>Σ (observed − n·p)² / (n·p) over the cells with p &gt; 0; a draw in a cell with p = 0 gives +∞.</summary>
    public static double Statistic(long[] observed, Func<int, double> probability)
    {
        long n = observed.Sum();
        double chi2 = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double expected = n * probability(i);
            if (expected == 0)
            {
                if (observed[i] > 0) return double.PositiveInfinity;
                continue;
            }
            chi2 += (observed[i] - expected) * (observed[i] - expected) / expected;
        }
        return chi2;
    }

    // Upper 1e-6 quantiles (Wilson–Hilferty: k·(1 − 2/(9k) + 4.753·sqrt(2/(9k)))³). A correct sampler exceeds them
    // with probability 1e-6, so tests cannot be flaky, while a wrong distribution on 200k draws lands far above.
    public const double Critical49Df = 112;   // 50 cells
    public const double Critical1Df = 24;     // 2 cells
}
