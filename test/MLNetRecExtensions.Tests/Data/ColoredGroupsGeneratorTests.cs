using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class ColoredGroupsGeneratorTests
{
    private static readonly ColoredGroupsDataset Default = ColoredGroupsGenerator.Generate();

    [TestMethod]
    public void SameSeedGivesSameDataAndOtherSeedDiffers()
    {
        var small = new ColoredGroupsOptions { UserCount = 200, ItemCount = 120, InteractionsPerUser = 10, Seed = 9 };
        var a = ColoredGroupsGenerator.Generate(small);
        var b = ColoredGroupsGenerator.Generate(small);
        CollectionAssert.AreEqual(a.Interactions.Users, b.Interactions.Users);
        CollectionAssert.AreEqual(a.Interactions.Items, b.Interactions.Items);
        CollectionAssert.AreEqual(a.Interactions.Labels, b.Interactions.Labels);
        CollectionAssert.AreEqual(a.Interactions.Timestamps, b.Interactions.Timestamps);
        CollectionAssert.AreEqual(a.UserGroups, b.UserGroups);
        small.Seed = 10;
        var c = ColoredGroupsGenerator.Generate(small);
        CollectionAssert.AreNotEqual(a.Interactions.Items, c.Interactions.Items);
        Assert.AreEqual(9, a.Options.Seed, "the data set keeps a copy of its options");
    }

    [TestMethod]
    public void ShapeIdsAndGroupsMatchTheOptions()
    {
        var d = Default;
        Assert.AreEqual(3000, d.Interactions.UserCount);
        Assert.AreEqual(1200, d.Interactions.ItemCount);
        Assert.AreEqual(6, d.GroupCount);
        Assert.AreEqual("u17", d.Interactions.UserIds![17]);
        Assert.AreEqual("i42", d.Interactions.ItemIds![42]);
        // Round-robin dealing: 3000 users / 6 = 500 per group; 1200 items / 6 = 200 per group with ranks 0..199.
        CollectionAssert.AreEqual(Enumerable.Repeat(500, 6).ToArray(), Enumerable.Range(0, 6).Select(g => d.UserGroups.Count(x => x == g)).ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).ToArray(),
            Enumerable.Range(0, 1200).Where(i => d.ItemGroups[i] == 2).Select(i => d.ItemRanks[i]).Order().ToArray());
        // Mean per-user count ≈ 25 (5 + geometric with mean 20, cap 200 rarely hit): ±1.5 is > 5 standard errors.
        Assert.AreEqual(25.0, d.Interactions.Count / 3000.0, 1.5);
    }

    [TestMethod]
    public void InGroupShareIsCloseToTheProbability()
    {
        var d = Default;
        var x = d.Interactions;
        int inGroup = Enumerable.Range(0, x.Count).Count(r => d.UserGroups[x.Users[r]] == d.ItemGroups[x.Items[r]]);
        // ~75,000 draws at p = 0.95: standard error ≈ 0.0008, so ±0.005 is a wide margin.
        Assert.AreEqual(0.95, (double)inGroup / x.Count, 0.005);
    }

    [TestMethod]
    public void PopularityWithinGroupsFallsWithRank()
    {
        var d = Default;
        var counts = new double[200];   // interactions per rank, summed over the 6 groups
        foreach (var item in d.Interactions.Items) counts[d.ItemRanks[item]]++;
        double Mean(int from, int to) => counts[from..to].Average();
        // Zipf(1) draw weights 1/(r+1); the head saturates (a user takes an item once) but the trend must hold.
        double head = Mean(0, 5), upper = Mean(5, 20), middle = Mean(20, 60), tail = Mean(100, 200);
        Assert.IsTrue(head > upper && upper > middle && middle > tail, $"bucket means {head:F0} {upper:F0} {middle:F0} {tail:F0}");
        // Ranks 10 vs 100 draw weights differ by 101/11 ≈ 9; after saturation the observed ratio stays well above 3.
        Assert.IsTrue(Mean(8, 13) / Mean(95, 106) > 3, $"rank-10 vs rank-100 ratio {Mean(8, 13) / Mean(95, 106):F2}");
    }

    [TestMethod]
    public void UsersHaveMinimumDistinctItemsAndIncreasingTimes()
    {
        var x = Default.Interactions;
        var perUser = new int[x.UserCount];
        var pairs = new HashSet<(int, int)>();
        for (int r = 0; r < x.Count; r++)
        {
            perUser[x.Users[r]]++;
            Assert.IsTrue(pairs.Add((x.Users[r], x.Items[r])), $"duplicate pair at row {r}");
            if (r > 0 && x.Users[r] == x.Users[r - 1]) Assert.IsTrue(x.Timestamps![r] > x.Timestamps[r - 1], $"row {r}");
        }
        Assert.IsTrue(perUser.Min() >= 5, $"min {perUser.Min()}");
        // With ≥ 5 rows, a 0.75 stratified split leaves every user a test row: ceil(0.75·5) = 4 < 5.
        var split = InteractionSplits.StratifiedByUser(x);
        Assert.AreEqual(x.UserCount, split.Test.Users.Distinct().Count());
    }

    [TestMethod]
    public void RatingsAreIntegersOneToFiveOrImplicitOnes()
    {
        var labels = Default.Interactions.Labels;
        Assert.IsTrue(labels.All(l => l is >= 1 and <= 5 && l == MathF.Round(l)));
        Assert.IsTrue(labels.Distinct().Count() == 5, "all five rating levels occur");
        var implicitData = ColoredGroupsGenerator.Generate(new ColoredGroupsOptions { UserCount = 60, ItemCount = 60, InteractionsPerUser = 8, ExplicitRatings = false });
        Assert.IsTrue(implicitData.Interactions.Labels.All(l => l == 1f));
    }

    [TestMethod]
    public void BadOptionsAreRejectedNamingOptionAndValue()
    {
        void Expect(ColoredGroupsOptions o, string name, string value)
        {
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ColoredGroupsGenerator.Generate(o));
            Assert.AreEqual(name, ex.ParamName);
            StringAssert.Contains(ex.Message, $"ColoredGroupsOptions.{name} is {value}");
        }
        Expect(new ColoredGroupsOptions { GroupCount = 1 }, "GroupCount", "1");
        Expect(new ColoredGroupsOptions { InGroupProbability = 1.5 }, "InGroupProbability", "1.5");
        // 1200 items / 6 groups = 200 per group < 250.
        Expect(new ColoredGroupsOptions { InteractionsPerUser = 250 }, "InteractionsPerUser", "250");
        Expect(new ColoredGroupsOptions { ZipfExponent = -1 }, "ZipfExponent", "-1");
        Expect(new ColoredGroupsOptions { NoiseStdDev = double.NaN }, "NoiseStdDev", "NaN");
        Expect(new ColoredGroupsOptions { UserCount = 3 }, "UserCount", "3");
        Expect(new ColoredGroupsOptions { MinInteractionsPerUser = 0 }, "MinInteractionsPerUser", "0");
    }
}
