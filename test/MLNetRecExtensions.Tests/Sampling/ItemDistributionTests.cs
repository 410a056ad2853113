using MLNetRecExtensions.Sampling;

namespace MLNetRecExtensions.Tests.Sampling;

[TestClass]
public sealed class ItemDistributionTests
{
    private const int Draws = 200_000;

    // 50 items with counts 1..50.
    private static double[] Counts50() => Enumerable.Range(1, 50).Select(c => (double)c).ToArray();

    private static long[] Histogram(ItemDistribution q, int seed)
    {
        var rng = new Random(seed);
        var observed = new long[q.ItemCount];
        for (int d = 0; d < Draws; d++) observed[q.Draw(rng)]++;
        return observed;
    }

    [TestMethod]
    public void UniformDrawsPassChiSquare()
    {
        var q = ItemDistribution.Uniform(50);
        var chi2 = ChiSquare.Statistic(Histogram(q, 11), _ => 1.0 / 50);
        Assert.IsLessThan(ChiSquare.Critical49Df, chi2);
    }

    [TestMethod]
    [DataRow(0.5)]
    [DataRow(1.0)]
    public void PopularityDrawsFollowCountToTheAlpha(double alpha)
    {
        var counts = Counts50();
        double total = counts.Sum(c => Math.Pow(c, alpha));
        var q = ItemDistribution.Popularity(counts, alpha);
        var observed = Histogram(q, 12);
        Assert.IsLessThan(ChiSquare.Critical49Df, ChiSquare.Statistic(observed, i => Math.Pow(counts[i], alpha) / total));

        // The same draws tested against a slightly wrong α (+0.1) fail clearly (measured 883 and 579): the test has power.
        double wrong = alpha + 0.1;
        double wrongTotal = counts.Sum(c => Math.Pow(c, wrong));
        Assert.IsGreaterThan(4 * ChiSquare.Critical49Df, ChiSquare.Statistic(observed, i => Math.Pow(counts[i], wrong) / wrongTotal));
    }

    [TestMethod]
    public void ProbabilitiesAreCountToTheAlphaNormalised()
    {
        // counts [1, 4, 9, 0]: α = 0.5 → weights [1, 2, 3, 0] → Q = [1/6, 2/6, 3/6, 0];
        // α = 1 → [1, 4, 9, 0]/14; α = 0 → uniform over all four, the unseen item included (0^0 = 1).
        double[] counts = [1, 4, 9, 0];
        var half = ItemDistribution.Popularity(counts, 0.5);
        CollectionAssert.AreEqual(new[] { 1 / 6.0, 2 / 6.0, 3 / 6.0, 0 }, Enumerable.Range(0, 4).Select(half.Probability).ToArray(), new Tolerance(1e-15));
        var freq = ItemDistribution.Popularity(counts, 1);
        CollectionAssert.AreEqual(new[] { 1 / 14.0, 4 / 14.0, 9 / 14.0, 0 }, Enumerable.Range(0, 4).Select(freq.Probability).ToArray(), new Tolerance(1e-15));
        var uniform = ItemDistribution.Popularity(counts, 0);
        CollectionAssert.AreEqual(new[] { 0.25, 0.25, 0.25, 0.25 }, Enumerable.Range(0, 4).Select(uniform.Probability).ToArray(), new Tolerance(1e-15));
        Assert.AreEqual(3, half.SupportSize);
        Assert.AreEqual(4, uniform.SupportSize);
    }

    [TestMethod]
    public void ItemsOfZeroCountAreNeverDrawn()
    {
        var q = ItemDistribution.Popularity([0, 5, 0, 1, 0], 0.75);
        var observed = new long[5];
        var rng = new Random(3);
        for (int d = 0; d < 20_000; d++) observed[q.Draw(rng)]++;
        Assert.AreEqual(0, observed[0] + observed[2] + observed[4]);
        Assert.IsGreaterThan(0, observed[3]);
    }

    [TestMethod]
    public void MixtureWeighsTheTwoProposals()
    {
        // (2·[1/4, 3/4] + 2·[1/2, 1/2]) / 4 = [0.375, 0.625]
        var mixed = ItemDistribution.Mixture(ItemDistribution.Popularity([1, 3], 1), 2, ItemDistribution.Uniform(2), 2);
        Assert.AreEqual(0.375, mixed.Probability(0), 1e-15);
        Assert.AreEqual(0.625, mixed.Probability(1), 1e-15);
    }

    [TestMethod]
    public void SameSeedGivesSameDraws()
    {
        var q = ItemDistribution.Popularity(Counts50(), 0.75);
        CollectionAssert.AreEqual(Histogram(q, 5), Histogram(q, 5));
    }

    [TestMethod]
    public void InvalidWeightsAreRejected()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ItemDistribution.Popularity([1, 2], -0.5));
        Assert.AreEqual("alpha", ex.ParamName);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ItemDistribution.FromWeights([0, 0]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ItemDistribution.FromWeights([1, double.NaN]));
    }
}

/// <summary>Compares doubles within an absolute tolerance for CollectionAssert.</summary>
internal sealed class Tolerance(double delta) : System.Collections.IComparer
{
    public int Compare(object? x, object? y) => Math.Abs((double)x! - (double)y!) <= delta ? 0 : ((double)x!).CompareTo((double)y!);
}
