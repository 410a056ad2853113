using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Recommendation;

/// <summary>
/// Ranks the catalog with a transformer that only scores (user, item) rows: every (user, candidate item) pair is
/// built as an <see cref="InteractionData"/> row (key-typed <c>UserId</c>, <c>ItemId</c>), scored through
/// <see cref="ITransformer.Transform"/>, and the best k kept. The slow but universal path (ML.NET's own
/// MatrixFactorizationTrainer, a reloaded scoring chain).
/// </summary>
internal static class PairScoreRanking
{
    /// <summary>
    /// Row q of the result is user <c>users[q]</c>: score descending, ties by lower item index, NaN scores last
    /// (as −∞); <paramref name="exclude"/> (when given) removes the user's row of items from the candidates.
    /// </summary>
    public static TopKResult Rank(ITransformer model, IReadOnlyList<int> users, int userCount, int itemCount, int k,
        UserItemMatrix? exclude, int batchUsers, Func<InteractionData, IDataView> toView)
    {
        batchUsers = Math.Max(1, batchUsers);
        var (resultItems, resultScores) = TopKResult.PaddedArrays(users.Count, k);
        for (int start = 0; start < users.Count; start += batchUsers)
        {
            int end = Math.Min(users.Count, start + batchUsers);
            var pairUsers = new List<int>();
            var pairItems = new List<int>();
            var firstPair = new int[end - start + 1];
            for (int q = start; q < end; q++)
            {
                firstPair[q - start] = pairUsers.Count;
                for (int i = 0; i < itemCount; i++)
                    if (exclude == null || !exclude.Contains(users[q], i)) { pairUsers.Add(users[q]); pairItems.Add(i); }
            }
            firstPair[end - start] = pairUsers.Count;
            if (pairUsers.Count == 0) continue;
            var pairs = new InteractionData(userCount, itemCount, pairUsers.ToArray(), pairItems.ToArray(), new float[pairUsers.Count]);
            var scores = ReadScores(model.Transform(toView(pairs)));
            for (int q = start; q < end; q++)
                SelectTop(pairItems, scores, firstPair[q - start], firstPair[q - start + 1], k,
                    resultItems.AsSpan(q * k, k), resultScores.AsSpan(q * k, k));
        }
        return new TopKResult(users.Count, k, resultItems, resultScores);
    }

    /// <summary>The Single <c>Score</c> column of <paramref name="scored"/>, one value per row.</summary>
    /// <exception cref="InvalidOperationException">There is no Single <c>Score</c> column.</exception>
    public static float[] ReadScores(IDataView scored)
    {
        var column = scored.Schema.GetColumnOrNull(InteractionColumns.Score);
        if (column is not { Type: NumberDataViewType t } || t != NumberDataViewType.Single)
            throw new InvalidOperationException($"The model's output has no Single column '{InteractionColumns.Score}'; a score-only recommender must add one for (user, item) rows.");
        return scored.GetColumn<float>(column.Value).ToArray();
    }

    private static void SelectTop(List<int> items, float[] scores, int first, int end, int k, Span<int> outItems, Span<float> outScores)
    {
        var order = Enumerable.Range(first, end - first).ToArray();
        Array.Sort(order, (x, y) =>
        {
            float sx = float.IsNaN(scores[x]) ? float.NegativeInfinity : scores[x];
            float sy = float.IsNaN(scores[y]) ? float.NegativeInfinity : scores[y];
            int c = sy.CompareTo(sx);
            return c != 0 ? c : items[x].CompareTo(items[y]);
        });
        int n = Math.Min(k, order.Length);
        for (int r = 0; r < n; r++)
        {
            outItems[r] = items[order[r]];
            outScores[r] = scores[order[r]];
        }
    }
}
