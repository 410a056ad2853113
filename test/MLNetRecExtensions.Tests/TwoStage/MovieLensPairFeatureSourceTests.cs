using MLNetRecExtensions.Data;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Tests.Data;

namespace MLNetRecExtensions.Tests.TwoStage;

[TestClass]
public sealed class MovieLensPairFeatureSourceTests
{
    // Genre indices: Action 1, Animation 3, Children's 4, Comedy 5, Drama 8, Thriller 16.
    private const string Users = "1|24|M|technician|85711\n2|53|F|other|94043\n3|17|M|writer|32067\n";

    private static string ItemLine(int id, params int[] genres) =>
        $"{id}|Movie {id}|01-Jan-1995||http://x|" + string.Join("|", Enumerable.Range(0, 19).Select(g => genres.Contains(g) ? "1" : "0"));

    private static MovieLensSideFeatures Side(InteractionData interactions)
    {
        using var users = new TempFile(Users, "u.user");
        using var items = new TempFile(string.Join("\n", ItemLine(1, 3, 4, 5), ItemLine(2, 1, 16), ItemLine(3, 5, 8)) + "\n", "u.item");
        return MovieLensSideFeatures.Read(users.Path, items.Path, interactions);
    }

    // History: user 0 (24, M, technician) saw items 0 and 1; user 1 (53, F, other) saw item 0; user 2 (17, M, writer) nothing.
    private static InteractionData Interactions() =>
        new(3, 3, [0, 0, 1], [0, 1, 0], [1, 1, 1], userIds: ["1", "2", "3"], itemIds: ["1", "2", "3"]);

    [TestMethod]
    public void FeaturesAndKeysOfTwoPairsMatchHandComputation()
    {
        var interactions = Interactions();
        var source = new MovieLensPairFeatureSource(Side(interactions));
        var table = new PairFeatureBuilder(UserItemMatrix.FromInteractions(interactions), [source])
            .Build([0, 1], new TopKResult(2, 1, [2, 0], [0.5f, 0.4f]));
        var names = table.FeatureNames;
        Assert.AreEqual(PairFeatureBuilder.CoreFeatureCount + 1 + 2 + 3 + 19 + 5, names.Count);
        float F(int row, string name) => table.FeaturesOf(row)[IndexOf(names, name)];

        // Row 0 = (user 0, item 2 = Comedy + Drama).
        Assert.AreEqual(0.24f, F(0, "Age"), 1e-6f);
        Assert.AreEqual(0f, F(0, "Gender=F"));
        Assert.AreEqual(1f, F(0, "Gender=M"));
        Assert.AreEqual(1f, F(0, "Occupation=technician"));
        Assert.AreEqual(0f, F(0, "Occupation=other") + F(0, "Occupation=writer"));
        Assert.AreEqual(1f, F(0, "Genre=Comedy"));
        Assert.AreEqual(1f, F(0, "Genre=Drama"));
        Assert.AreEqual(2f, Enumerable.Range(0, 19).Sum(g => table.FeaturesOf(0)[IndexOf(names, "Genre=Animation") - 3 + g]));
        // User 0's shares: Animation, Children's, Comedy (item 0) and Action, Thriller (item 1) at 1/2 each.
        // Comedy 1/2, Drama 0 → mean 1/4, max 1/2. Global shares over the 3 history rows: Comedy 2/3, Drama 0
        // → lift = mean(0.5 / (2/3), 0) = 0.375. Item 2 has no audience: global mean age (24 + 24 + 53) / 3 → gap
        // |24 − 33.667| / 100; global male share 2/3.
        Assert.AreEqual(0.25f, F(0, "GenreAffinityMean"), 1e-6f);
        Assert.AreEqual(0.5f, F(0, "GenreAffinityMax"), 1e-6f);
        Assert.AreEqual(0.375f, F(0, "GenreLift"), 1e-6f);
        Assert.AreEqual(Math.Abs(24 - 101f / 3) / 100, F(0, "AudienceAgeGap"), 1e-6f);
        Assert.AreEqual(2f / 3, F(0, "AudienceSameGender"), 1e-6f);

        // Row 1 = (user 1, item 0 = Animation, Children's, Comedy): all of user 1's history is item 0 → shares 1,
        // lift 1 / (2/3) = 1.5; audience of item 0 = users 0 (24, M) and 1 (53, F): gap |53 − 38.5| / 100, same gender 1/2.
        Assert.AreEqual(1f, F(1, "Gender=F"));
        Assert.AreEqual(1f, F(1, "Occupation=other"));
        Assert.AreEqual(1f, F(1, "GenreAffinityMean"), 1e-6f);
        Assert.AreEqual(1f, F(1, "GenreAffinityMax"), 1e-6f);
        Assert.AreEqual(1.5f, F(1, "GenreLift"), 1e-5f);
        Assert.AreEqual(0.145f, F(1, "AudienceAgeGap"), 1e-6f);
        Assert.AreEqual(0.5f, F(1, "AudienceSameGender"), 1e-6f);

        // Keys (1-based): genders F, M; occupations other, technician, writer; age 24 → "18-24" (bucket 1).
        CollectionAssert.AreEqual(new[] { "Gender", "Occupation", "AgeBucket", "Genres" }, table.KeyColumns.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(new uint[] { 2 }, table.KeysOf(0, 0).ToArray());
        CollectionAssert.AreEqual(new uint[] { 2 }, table.KeysOf(1, 0).ToArray());
        CollectionAssert.AreEqual(new uint[] { 2 }, table.KeysOf(2, 0).ToArray());
        CollectionAssert.AreEqual(new uint[] { 6, 9 }, table.KeysOf(3, 0).ToArray());
        CollectionAssert.AreEqual(new uint[] { 1 }, table.KeysOf(0, 1).ToArray());
        CollectionAssert.AreEqual(new uint[] { 6 }, table.KeysOf(2, 1).ToArray(), "age 53 → 50-55 (bucket 5)");
        CollectionAssert.AreEqual(new uint[] { 4, 5, 6 }, table.KeysOf(3, 1).ToArray());
    }

    [TestMethod]
    public void AgeBucketsFollowMovieLensBoundaries()
    {
        int[] expected = [0, 1, 1, 2, 3, 4, 5, 5, 6];
        float[] ages = [17.9f, 18, 24, 25, 35, 45, 50, 55, 56];
        CollectionAssert.AreEqual(expected, ages.Select(MovieLensPairFeatureSource.AgeBucketOf).ToArray());
    }

    [TestMethod]
    public void HistoryOfOtherKeySpacesIsRejected()
    {
        var source = new MovieLensPairFeatureSource(Side(Interactions()));
        var other = UserItemMatrix.FromInteractions(new InteractionData(3, 5, [0], [4], [1]));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => source.Bind(other));
        StringAssert.Contains(e.Message, "3 users × 5 items");
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int k = 0; k < names.Count; k++) if (names[k] == name) return k;
        throw new AssertFailedException($"No feature named {name}.");
    }
}
