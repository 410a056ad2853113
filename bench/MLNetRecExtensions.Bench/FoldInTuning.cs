using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Chooses the cold-user setting of <see cref="FoldInBenchmark"/> on training users only: the users of the base training
/// data (the held-out users already removed) are split into 5 folds (seed 7); each fold in turn becomes simulated new
/// users of a model trained on the other folds, given their first N (3, 5, 10) interactions by time; Recall@10 on the rest
/// of their (training-side) interactions. Rows: the fold-in λ scaled by 1 / 2 / 4 (the idea that a short history needs more
/// regularization); columns: the popularity-prior weight β of
/// <see cref="MatrixFactorizationModel.EmbedHistory(ReadOnlySpan{int}, ReadOnlySpan{float}, float)"/>. The chosen β maximises
/// the mean over N of Recall@10 relative to popularity (at the trained λ).
/// </summary>
internal static class FoldInTuning
{
    private const int K = 10;
    private const int Folds = 5;
    private static readonly int[] Ns = [3, 5, 10];
    private static readonly float[] Betas = [0, 0.1f, 0.2f, 0.3f, 0.5f, 0.75f, 1f];
    private static readonly float[] LambdaScales = [1, 2, 4];

    public static float ChooseBeta(MLContext ml, InteractionData baseData, ImplicitAlsTrainer.Options options)
    {
        var random = new Random(7);
        var present = baseData.Users.Distinct().OrderBy(u => u).ToArray();
        var shuffled = present.OrderBy(_ => random.Next()).ToArray();
        // recall[scale, β, N] and popularity[N], summed over all simulated users of all folds.
        var recall = new double[LambdaScales.Length, Betas.Length, Ns.Length];
        var popularity = new double[Ns.Length];
        int simulatedUsers = 0;
        for (int fold = 0; fold < Folds; fold++)
        {
            var simulated = shuffled.Where((_, p) => p % Folds == fold).OrderBy(u => u).ToArray();
            var isSim = new bool[baseData.UserCount];
            foreach (int u in simulated) isSim[u] = true;
            var fitData = baseData.Subset(Enumerable.Range(0, baseData.Count).Where(r => !isSim[baseData.Users[r]]).ToArray());
            var model = ml.Recommenders().Trainers.ImplicitAls(options).Fit(fitData.ToDataView(ml));
            var byTime = FoldInBenchmark.ByTime(baseData, simulated);
            var folded = LambdaScales.Select(scale => scale == 1 ? model : WithLambda(ml, model, model.Settings!.Lambda * scale)).ToArray();
            simulatedUsers += simulated.Length;
            for (int q = 0; q < Ns.Length; q++)
            {
                int n = Ns[q];
                var relevant = UserItemMatrix.FromInteractions(baseData.Subset(simulated.SelectMany(u => byTime[u].Skip(n)).ToArray()));
                var histories = simulated.ToDictionary(u => u, u => byTime[u].Take(n).Select(r => baseData.Items[r]).ToArray());
                popularity[q] += simulated.Length * Recall(simulated, baseData.UserCount, relevant,
                    u => HistoryRecommendations.Recommend(model, [], [], K + n, excludeHistory: false), histories);
                for (int s = 0; s < LambdaScales.Length; s++)
                {
                    for (int b = 0; b < Betas.Length; b++)
                        recall[s, b, q] += simulated.Length * Recall(simulated, baseData.UserCount, relevant,
                            u => HistoryRecommendations.Recommend(folded[s].EmbedHistory(histories[u], [], Betas[b]), model.ItemFactors, histories[u], K));
                }
            }
        }
        Console.WriteLine($"\n0) Choosing the popularity-prior weight β on training users only: {Folds} folds of the {present.Length} base users, " +
            $"each simulated as new users of a model trained on the others (first N by time given; Recall@10 on the rest of their training-side rows)");
        Console.WriteLine("   popularity Recall@10: " + string.Join(", ", Ns.Select((n, q) => $"N {n} {popularity[q] / simulatedUsers:F4}")));
        Console.WriteLine($"   {"fold-in λ×",10} {"β",5} " + string.Join(" ", Ns.Select(n => $"N {n}: Recall@10 (× pop)".PadLeft(24))));
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int s = 0; s < LambdaScales.Length; s++)
            for (int b = 0; b < Betas.Length; b++)
            {
                var ratios = Ns.Select((_, q) => recall[s, b, q] / popularity[q]).ToArray();
                Console.WriteLine($"   {LambdaScales[s],10} {Betas[b],5} " + string.Join(" ", Ns.Select((_, q) =>
                    $"{recall[s, b, q] / simulatedUsers:F4} ({ratios[q]:F2}x)".PadLeft(24))));
                if (LambdaScales[s] == 1 && ratios.Average() > bestScore) (best, bestScore) = (b, ratios.Average());
            }
        Console.WriteLine($"   chosen β = {Betas[best]} (mean {bestScore:F3}x popularity over N = {string.Join("/", Ns)}, trained λ)");
        return Betas[best];
    }

    private static double Recall(int[] users, int userCount, UserItemMatrix relevant, Func<int, TopKResult> top, Dictionary<int, int[]>? drop = null) =>
        RankingEvaluator.Evaluate(FoldInBenchmark.Rank(users, userCount, top, drop), relevant, K).Recall;

    // The same model with fold-in solving at another λ (the trained factors unchanged).
    private static MatrixFactorizationModel WithLambda(MLContext ml, MatrixFactorizationModel m, float lambda)
    {
        var s = m.Settings!;
        var settings = new FactorizationSettings
        {
            Lambda = lambda, ConfidenceSlope = s.ConfidenceSlope, UnobservedWeight = s.UnobservedWeight, UnobservedTarget = s.UnobservedTarget,
            Gravity = s.Gravity, UseBiases = s.UseBiases, NonNegative = s.NonNegative, IgnoresLabels = s.IgnoresLabels,
            UseCholesky = s.UseCholesky, CgSteps = s.CgSteps,
        };
        return new MatrixFactorizationModel(ml, m.Kind, m.UserColumnName, m.ItemColumnName, m.UserCount, m.ItemCount, m.Rank,
            m.UserFactors.Values, m.ItemFactors.Values, null, null, 0, m.ItemPopularity, settings);
    }
}
