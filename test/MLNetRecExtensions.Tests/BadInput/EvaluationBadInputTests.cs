using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>Comparisons that cannot be evaluated, and K larger than the catalog (case 14).</summary>
[TestClass]
public sealed class EvaluationBadInputTests
{
    private static InteractionData Data(int users, int items, Func<int, int, bool> has)
    {
        var u = new List<int>();
        var i = new List<int>();
        for (int a = 0; a < users; a++)
            for (int b = 0; b < items; b++)
                if (has(a, b)) { u.Add(a); i.Add(b); }
        return new InteractionData(users, items, [.. u], [.. i], u.Select(_ => 1f).ToArray());
    }

    private static RecommenderComparison Popularity(MLContext ml) => new RecommenderComparison(ml).Add("Popularity", ml.Recommenders().Trainers.Popularity());

    [TestMethod]
    public void SingleItemCatalogIsRefusedWithTheCause()
    {
        var ml = new MLContext(1);
        var data = Data(4, 1, (_, _) => true);
        var split = new InteractionSplit(data, data);
        BadInputAssert.Throws<InvalidDataException>(() => _ = Popularity(ml).Run(split, "one item"), "single item", "at least 2 items");
    }

    [TestMethod]
    public void EmptyTestSplitIsRefusedInsteadOfScoringZero()
    {
        var ml = new MLContext(1);
        var data = Data(4, 5, (u, i) => i <= u);
        var empty = new InteractionData(4, 5, [], [], []);
        BadInputAssert.Throws<InvalidDataException>(() => _ = Popularity(ml).Run(new InteractionSplit(data, empty), "no test"),
            "test split is empty", "every metric would be 0");
        BadInputAssert.Throws<InvalidDataException>(() => _ = Popularity(ml).Run(new InteractionSplit(empty, data), "no train"),
            "training split is empty");
    }

    [TestMethod]
    public void KLargerThanTheCatalogIsAWarningOnTheLeaderboard()
    {
        var ml = new MLContext(1);
        var data = Data(30, 12, (u, i) => (u * 7 + i * 3) % 4 != 0);
        var split = InteractionSplits.StratifiedByUser(data, 0.75, seed: 2);
        var board = Popularity(ml).Run(split, "small", new ComparisonOptions { K = 50 });
        Assert.AreEqual(1, board.Warnings.Count);
        StringAssert.Contains(board.Warnings[0], "K = 50 is larger than the catalog (12 items)");
        StringAssert.Contains(board.ToMarkdown(), "> Warning: K = 50");
        // Documented behaviour: precision still divides by K, so it is at most catalog / K.
        Assert.IsTrue(board.Entries[0].Ranking.Precision <= 12.0 / 50);
        Assert.AreEqual(0, Popularity(ml).Run(split, "small", new ComparisonOptions { K = 5 }).Warnings.Count);
    }

    [TestMethod]
    public void TestRowsRepeatingTrainingPairsAreAWarning()
    {
        // A hand-made split of the whole data twice: every test pair is also a training pair.
        var ml = new MLContext(1);
        var data = Data(10, 6, (u, i) => i != u % 6);
        var board = Popularity(ml).Run(new InteractionSplit(data, data), "leaky", new ComparisonOptions { K = 3 });
        Assert.AreEqual(1, board.Warnings.Count);
        StringAssert.Contains(board.Warnings[0], $"{data.Count} of {data.Count} test rows repeat a (user, item) pair of the training split");
    }

    [TestMethod]
    public void KBelowOneIsRejected() =>
        BadInputAssert.Throws<ArgumentOutOfRangeException>(() => _ = Popularity(new MLContext(1)).Run(
            InteractionSplits.StratifiedByUser(Data(10, 6, (u, i) => i != u % 6)), "x", new ComparisonOptions { K = 0 }), "K must be at least 1");

    [TestMethod]
    public void EmptyRatingsNameTheCause() =>
        BadInputAssert.Throws<InvalidDataException>(() => _ = RatingEvaluator.Evaluate([], []), "No ratings to evaluate");

    [TestMethod]
    public void NonFinitePredictionIsNamed() =>
        BadInputAssert.Throws<InvalidDataException>(() => _ = RatingEvaluator.Evaluate([1f, float.NaN], [1f, 2f]), "Prediction 1 is NaN", "diverged");
}
