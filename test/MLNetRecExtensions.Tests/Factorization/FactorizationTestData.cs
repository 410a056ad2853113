using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Factorization;

/// <summary>Small data builders of the factorization tests (synthetic low-rank ratings, RMSE, progress log).</summary>
internal static class FactorizationTestData
{
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
        var predicted = new float[data.Count];
        for (int r = 0; r < data.Count; r++) predicted[r] = predict(data.Users[r], data.Items[r]);
        return MLNetRecExtensions.Evaluation.RatingEvaluator.Evaluate(predicted, data.Labels).Rmse;
    }

    /// <summary>Collects progress reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    public sealed class ProgressLog<T> : IProgress<T>
    {
        public List<T> Reports { get; } = [];
        public void Report(T value) => Reports.Add(value);
    }
}
