using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Factorization;

/// <summary>Small data builders of the factorization tests (u.data parsing, splits, synthetic low-rank ratings).</summary>
internal static class FactorizationTestData
{
    /// <summary>u.data: tab-separated user, item, rating, timestamp; ids mapped to indices by ascending id.</summary>
    public static InteractionData LoadMovieLens(string path)
    {
        var rows = File.ReadLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToArray();
        var userIndex = rows.Select(r => int.Parse(r[0])).Distinct().Order().Select((id, k) => (id, k)).ToDictionary(p => p.id, p => p.k);
        var itemIndex = rows.Select(r => int.Parse(r[1])).Distinct().Order().Select((id, k) => (id, k)).ToDictionary(p => p.id, p => p.k);
        return new InteractionData(userIndex.Count, itemIndex.Count,
            rows.Select(r => userIndex[int.Parse(r[0])]).ToArray(), rows.Select(r => itemIndex[int.Parse(r[1])]).ToArray(),
            rows.Select(r => float.Parse(r[2])).ToArray(), rows.Select(r => double.Parse(r[3])).ToArray());
    }

    /// <summary>Per user: shuffle the user's rows with one seeded generator (users in index order), first ceil(f·n) rows train.</summary>
    public static (InteractionData Train, InteractionData Test) StratifiedSplit(InteractionData data, double fraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, data.Count).GroupBy(r => data.Users[r]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            int cut = (int)Math.Ceiling(fraction * rows.Length);
            train.AddRange(rows[..cut]);
            test.AddRange(rows[cut..]);
        }
        return (data.Subset(train), data.Subset(test));
    }

    /// <summary>
    /// Ratings <c>3 + p_u·q_i</c> of an exact rank-2 model (factors uniform in [−1, 1]) on a <paramref name="users"/> ×
    /// <paramref name="items"/> grid; each cell goes to the training part with probability <paramref name="trainFraction"/>.
    /// </summary>
    public static (InteractionData Train, InteractionData Test) LowRank(int users, int items, double trainFraction, int seed)
    {
        var random = new Random(seed);
        var p = Enumerable.Range(0, users * 2).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var q = Enumerable.Range(0, items * 2).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var tr = (U: new List<int>(), I: new List<int>(), L: new List<float>());
        var te = (U: new List<int>(), I: new List<int>(), L: new List<float>());
        for (int u = 0; u < users; u++)
            for (int i = 0; i < items; i++)
            {
                float r = (float)(3 + p[2 * u] * q[2 * i] + p[2 * u + 1] * q[2 * i + 1]);
                var part = random.NextDouble() < trainFraction ? tr : te;
                part.U.Add(u);
                part.I.Add(i);
                part.L.Add(r);
            }
        return (new InteractionData(users, items, tr.U.ToArray(), tr.I.ToArray(), tr.L.ToArray()),
            new InteractionData(users, items, te.U.ToArray(), te.I.ToArray(), te.L.ToArray()));
    }

    /// <summary>Root mean squared error of <paramref name="predict"/> on <paramref name="data"/>.</summary>
    public static double Rmse(InteractionData data, Func<int, int, float> predict)
    {
        double sq = 0;
        for (int r = 0; r < data.Count; r++)
        {
            double e = data.Labels[r] - predict(data.Users[r], data.Items[r]);
            sq += e * e;
        }
        return Math.Sqrt(sq / data.Count);
    }

    /// <summary>Collects progress reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    public sealed class ProgressLog<T> : IProgress<T>
    {
        public List<T> Reports { get; } = [];
        public void Report(T value) => Reports.Add(value);
    }
}
