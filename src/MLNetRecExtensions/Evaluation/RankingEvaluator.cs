using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Evaluation;

/// <summary>
/// Top-K ranking metrics of recommendation lists against held-out interactions, with the definitions of
/// Microsoft Recommenders (binary relevance: an item is relevant to user u when it is in row u of the test matrix).
/// </summary>
public static class RankingEvaluator
{
    /// <summary>
    /// Evaluates the first <paramref name="k"/> entries of each user's list.
    /// <list type="bullet">
    /// <item>Users with no test item are skipped (<see cref="RankingReport.UsersSkipped"/>); every metric is the mean
    /// over the others (<see cref="RankingReport.UsersEvaluated"/>); a user with a null or empty list scores 0.</item>
    /// <item>With h = hits in the top k, R = number of relevant (test) items of the user, r = 1-based rank:
    /// Precision = h / k (k even when the list or the catalog is shorter); Recall = h / R;
    /// NDCG = Σ_hits 1/log2(r + 1) ÷ Σ_{r=1..min(R,k)} 1/log2(r + 1);
    /// MAP = Σ_hits (hits up to r / r) ÷ R; MRR = 1 / r of the first hit (0 if none); HitRate = 1 if h &gt; 0.</item>
    /// <item>Catalog coverage = distinct items in the top k of any user's list (skipped users included) ÷
    /// <c>test.ItemCount</c>.</item>
    /// <item>Folding (when <see cref="RankingEvaluationOptions.ItemGroups"/> is set): for each evaluated user, the
    /// share of its top-k items whose group is not among the groups of the items it interacted with
    /// (<see cref="RankingEvaluationOptions.InteractedItems"/>, or the test matrix when null) nor its own group
    /// (<see cref="RankingEvaluationOptions.UserGroups"/>, when given); a user with an empty list counts 0.
    /// Averaged over evaluated users.</item>
    /// </list>
    /// </summary>
    /// <param name="rankedItemsByUser">
    /// One entry per user of <paramref name="test"/>: user u's recommendations as 0-based item indices, best first,
    /// already without training items; may be longer than k; null or empty = nothing recommended.
    /// </param>
    /// <param name="test">Held-out interactions, users × items (the relevance sets).</param>
    /// <param name="k">Cut-off (≥ 1).</param>
    /// <param name="options">Groups for the folding score; null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, the list count differs from the users of the test matrix, or group options do not fit.</exception>
    /// <exception cref="InvalidDataException">A list holds an item index out of range or the same item twice in its top k.</exception>
    public static RankingReport Evaluate(int[]?[] rankedItemsByUser, UserItemMatrix test, int k, RankingEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rankedItemsByUser);
        ArgumentNullException.ThrowIfNull(test);
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1 (the number of recommendations evaluated per user).");
        if (rankedItemsByUser.Length != test.UserCount)
            throw new ArgumentOutOfRangeException(nameof(rankedItemsByUser),
                $"rankedItemsByUser has {rankedItemsByUser.Length} lists but the test matrix has {test.UserCount} users; pass one list per user (null for users not ranked).");
        var folding = FoldingGroups.Create(test, options);

        // Discount 1/log2(r + 1) for 1-based ranks r = 1..k, and its prefix sums (the ideal DCG of n hits).
        var discount = new double[k + 1];
        var idealDcg = new double[k + 1];
        for (int r = 1; r <= k; r++)
        {
            discount[r] = 1.0 / Math.Log2(r + 1);
            idealDcg[r] = idealDcg[r - 1] + discount[r];
        }

        var seenBy = new int[test.ItemCount];      // user + 1 that last listed the item: duplicate check
        var covered = new bool[test.ItemCount];
        int coveredCount = 0, evaluated = 0, skipped = 0;
        double precision = 0, recall = 0, ndcg = 0, map = 0, mrr = 0, hitRate = 0, foldingSum = 0;
        for (int u = 0; u < test.UserCount; u++)
        {
            var top = TopOf(rankedItemsByUser[u], k);
            for (int r = 0; r < top.Length; r++)
            {
                int item = top[r];
                if ((uint)item >= (uint)test.ItemCount)
                    throw new InvalidDataException(
                        $"rankedItemsByUser[{u}][{r}] = {item} is not an item index: the test matrix has {test.ItemCount} items (0-based 0..{test.ItemCount - 1}); drop padding (-1) and use the same item key mapping.");
                if (seenBy[item] == u + 1)
                    throw new InvalidDataException($"rankedItemsByUser[{u}] lists item {item} twice within its top {k} (again at rank {r + 1}); each item may appear once.");
                seenBy[item] = u + 1;
                if (!covered[item]) { covered[item] = true; coveredCount++; }
            }

            int relevant = test.ItemsOf(u).Length;
            if (relevant == 0) { skipped++; continue; }
            evaluated++;
            int hits = 0;
            double dcg = 0, precisionSum = 0, reciprocal = 0;
            for (int r = 0; r < top.Length; r++)
            {
                if (!test.Contains(u, top[r])) continue;
                hits++;
                dcg += discount[r + 1];
                precisionSum += (double)hits / (r + 1);
                if (hits == 1) reciprocal = 1.0 / (r + 1);
            }
            precision += (double)hits / k;
            recall += (double)hits / relevant;
            ndcg += dcg / idealDcg[Math.Min(relevant, k)];
            map += precisionSum / relevant;
            mrr += reciprocal;
            if (hits > 0) hitRate += 1;
            if (folding != null) foldingSum += folding.FoldedShare(u, top);
        }

        double n = Math.Max(evaluated, 1);
        return new RankingReport(k, precision / n, recall / n, ndcg / n, map / n, mrr / n, hitRate / n,
            test.ItemCount == 0 ? 0 : (double)coveredCount / test.ItemCount,
            folding == null ? null : foldingSum / n,
            evaluated, skipped);
    }

    private static ReadOnlySpan<int> TopOf(int[]? list, int k) =>
        list == null ? ReadOnlySpan<int>.Empty : list.AsSpan(0, Math.Min(k, list.Length));
}
