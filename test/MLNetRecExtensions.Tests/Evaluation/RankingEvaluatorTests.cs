using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Tests.Evaluation;

[TestClass]
public sealed class RankingEvaluatorTests
{
    private const double Tol = 1e-9;

    // users × items matrix from (user, item) pairs.
    private static UserItemMatrix Matrix(int users, int items, params (int User, int Item)[] pairs) =>
        UserItemMatrix.FromInteractions(new InteractionData(users, items,
            pairs.Select(p => p.User).ToArray(), pairs.Select(p => p.Item).ToArray(), pairs.Select(_ => 1f).ToArray()));

    [TestMethod]
    public void EveryMetricMatchesHandComputedValues()
    {
        // 6 items, k = 3.
        // user 0: test {1, 3}, list [1, 2, 3, 4] -> top 3 = [1, 2, 3], hits at ranks 1 and 3 (h = 2, R = 2)
        //   P = 2/3, R = 1, DCG = 1/log2(2) + 1/log2(4) = 1.5, IDCG(2) = 1 + 1/log2(3) = 1.6309297536 -> NDCG = 0.9197207891
        //   AP = (1/1 + 2/3) / 2 = 0.8333333, RR = 1, hit = 1
        // user 1: test {0, 4, 5}, list [2, 5] (shorter than k) -> hit at rank 2 (h = 1, R = 3)
        //   P = 1/3, R = 1/3, DCG = 1/log2(3) = 0.6309297536, IDCG(3) = 2.1309297536 -> NDCG = 0.2960819110
        //   AP = (1/2) / 3 = 0.1666667, RR = 1/2, hit = 1
        // user 2: test {2}, list null -> every metric 0
        // user 3: no test item -> skipped; its list [0, 1] still counts for coverage
        // means over 3 users: P = (2/3 + 1/3 + 0)/3 = 1/3, R = (1 + 1/3)/3 = 4/9, NDCG = 1.2158027001/3 = 0.4052675667,
        //   MAP = (5/6 + 1/6)/3 = 1/3, MRR = 1.5/3 = 0.5, HitRate = 2/3
        // coverage: top-3 items {1,2,3} ∪ {2,5} ∪ {0,1} = {0,1,2,3,5} -> 5/6
        var test = Matrix(4, 6, (0, 1), (0, 3), (1, 0), (1, 4), (1, 5), (2, 2));
        int[]?[] lists = [[1, 2, 3, 4], [2, 5], null, [0, 1]];

        var r = RankingEvaluator.Evaluate(lists, test, 3);

        Assert.AreEqual(3, r.K);
        Assert.AreEqual(1.0 / 3, r.Precision, Tol);
        Assert.AreEqual(4.0 / 9, r.Recall, Tol);
        Assert.AreEqual(0.4052675667046843, r.Ndcg, Tol);
        Assert.AreEqual(1.0 / 3, r.Map, Tol);
        Assert.AreEqual(0.5, r.Mrr, Tol);
        Assert.AreEqual(2.0 / 3, r.HitRate, Tol);
        Assert.AreEqual(5.0 / 6, r.CatalogCoverage, Tol);
        Assert.IsNull(r.FoldingScore);
        Assert.AreEqual(3, r.UsersEvaluated);
        Assert.AreEqual(1, r.UsersSkipped);
    }

    [TestMethod]
    public void OnlyTheFirstKEntriesCount()
    {
        // user 0: test {3}; list [0, 1, 3]. k = 2 -> top 2 = [0, 1], no hit: all 0, coverage {0,1} = 2/4.
        // k = 3 -> hit at rank 3: P = 1/3, R = 1, NDCG = (1/log2 4) / 1 = 0.5, AP = (1/3)/1, RR = 1/3.
        var test = Matrix(1, 4, (0, 3));
        int[]?[] lists = [[0, 1, 3]];
        var k2 = RankingEvaluator.Evaluate(lists, test, 2);
        Assert.AreEqual(0.0, k2.Precision);
        Assert.AreEqual(0.0, k2.Recall);
        Assert.AreEqual(0.0, k2.HitRate);
        Assert.AreEqual(0.5, k2.CatalogCoverage, Tol);
        var k3 = RankingEvaluator.Evaluate(lists, test, 3);
        Assert.AreEqual(1.0 / 3, k3.Precision, Tol);
        Assert.AreEqual(1.0, k3.Recall, Tol);
        Assert.AreEqual(0.5, k3.Ndcg, Tol);
        Assert.AreEqual(1.0 / 3, k3.Map, Tol);
        Assert.AreEqual(1.0 / 3, k3.Mrr, Tol);
    }

    [TestMethod]
    public void KLargerThanCatalogDividesPrecisionByK()
    {
        // 2 items, k = 5, user 0: test {0, 1}, list [1, 0] -> h = 2.
        // P = 2/5 (k, not the list length); R = 1; DCG = 1 + 1/log2(3) = IDCG over min(2, 5) = 2 hits -> NDCG = 1;
        // AP = (1/1 + 2/2)/2 = 1; RR = 1; coverage 2/2.
        var test = Matrix(1, 2, (0, 0), (0, 1));
        var r = RankingEvaluator.Evaluate([[1, 0]], test, 5);
        Assert.AreEqual(0.4, r.Precision, Tol);
        Assert.AreEqual(1.0, r.Recall, Tol);
        Assert.AreEqual(1.0, r.Ndcg, Tol);
        Assert.AreEqual(1.0, r.Map, Tol);
        Assert.AreEqual(1.0, r.Mrr, Tol);
        Assert.AreEqual(1.0, r.CatalogCoverage, Tol);
    }

    [TestMethod]
    public void UsersWithoutTestItemsAreSkippedAndCounted()
    {
        // users 0 and 2 have no test item; user 1 has test {0} and a perfect list -> every mean is 1 over 1 user.
        // Were the skipped users averaged in, precision@1 would be 1/3.
        var test = Matrix(3, 3, (1, 0));
        var r = RankingEvaluator.Evaluate([[1], [0], [2]], test, 1);
        Assert.AreEqual(1, r.UsersEvaluated);
        Assert.AreEqual(2, r.UsersSkipped);
        Assert.AreEqual(1.0, r.Precision, Tol);
        Assert.AreEqual(1.0, r.Ndcg, Tol);
        Assert.AreEqual(1.0, r.HitRate, Tol);
        Assert.AreEqual(1.0, r.CatalogCoverage, Tol); // items 1, 0, 2 all recommended
    }

    [TestMethod]
    public void FoldingCountsItemsOfGroupsTheUserNeverTouched()
    {
        // items 0,1 in group 0 and items 2,3 in group 1.
        // interacted (train + test): user 0 {0, 1} (group 0), user 1 {2, 3} (group 1); test: user 0 {1}, user 1 {3}.
        // k = 2: user 0 list [1, 2] -> item 2 is group 1, unknown -> 1/2 folded; user 1 list [3, 2] -> 0 folded.
        // folding = (1/2 + 0) / 2 = 0.25.
        var test = Matrix(2, 4, (0, 1), (1, 3));
        var interacted = Matrix(2, 4, (0, 0), (0, 1), (1, 2), (1, 3));
        var options = new RankingEvaluationOptions { ItemGroups = [0, 0, 1, 1], InteractedItems = interacted };
        var r = RankingEvaluator.Evaluate([[1, 2], [3, 2]], test, 2, options);
        Assert.IsNotNull(r.FoldingScore);
        Assert.AreEqual(0.25, r.FoldingScore.Value, Tol);
    }

    [TestMethod]
    public void FoldingUsesTestWhenNoInteractionsAndUserGroupWhenGiven()
    {
        // groups as above; test: user 0 {0} (group 0), user 1 {1} (group 0). k = 2.
        // user 0 list [0, 2] -> 1/2 folded; user 1 list [3, 2] -> both group 1, never touched -> 1.
        // without user groups: (1/2 + 1)/2 = 0.75.
        // with UserGroups = [0, 1], user 1's own group 1 is known -> user 1 folds 0 -> (1/2 + 0)/2 = 0.25.
        var test = Matrix(2, 4, (0, 0), (1, 1));
        int[]?[] lists = [[0, 2], [3, 2]];
        var plain = RankingEvaluator.Evaluate(lists, test, 2, new RankingEvaluationOptions { ItemGroups = [0, 0, 1, 1] });
        Assert.AreEqual(0.75, plain.FoldingScore!.Value, Tol);
        var withUsers = RankingEvaluator.Evaluate(lists, test, 2,
            new RankingEvaluationOptions { ItemGroups = [0, 0, 1, 1], UserGroups = [0, 1] });
        Assert.AreEqual(0.25, withUsers.FoldingScore!.Value, Tol);
    }

    [TestMethod]
    public void BadInputsThrowWithClearMessages()
    {
        var test = Matrix(2, 3, (0, 0), (1, 1));
        var kEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RankingEvaluator.Evaluate([[0], [1]], test, 0));
        StringAssert.Contains(kEx.Message, "k must be at least 1");
        var countEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RankingEvaluator.Evaluate([[0]], test, 1));
        StringAssert.Contains(countEx.Message, "1 lists but the test matrix has 2 users");
        var rangeEx = Assert.ThrowsExactly<InvalidDataException>(() => RankingEvaluator.Evaluate([[0, -1], [1]], test, 2));
        StringAssert.Contains(rangeEx.Message, "rankedItemsByUser[0][1] = -1");
        var dupEx = Assert.ThrowsExactly<InvalidDataException>(() => RankingEvaluator.Evaluate([[0], [2, 2]], test, 2));
        StringAssert.Contains(dupEx.Message, "lists item 2 twice");
        var groupsEx = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            RankingEvaluator.Evaluate([[0], [1]], test, 1, new RankingEvaluationOptions { ItemGroups = [0, 1] }));
        StringAssert.Contains(groupsEx.Message, "ItemGroups has 2 entries but the test matrix has 3 items");
        // Entries beyond k are not inspected, so padding after the cut-off is harmless.
        Assert.AreEqual(2, RankingEvaluator.Evaluate([[0, -1], [1, 1]], test, 1).UsersEvaluated);
    }
}
