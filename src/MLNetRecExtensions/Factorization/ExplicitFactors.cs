using System.Numerics.Tensors;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// The parameters of biased explicit MF while training: <c>r̂(u, i) = μ + b_u + b_i + p_u·q_i</c> with
/// <see cref="P"/> <c>[users, rank]</c> and <see cref="Q"/> <c>[items, rank]</c> row-major. The objective both
/// explicit solvers minimise is <c>Σ_(u,i) [(r − r̂)² + λ(‖p_u‖² + ‖q_i‖² + b_u² + b_i²)]</c> (L2 applied per rating, as
/// in LIBMF's SGD; ALS-WR weighs λ by the row's rating count, which is the same objective).
/// </summary>
internal sealed class ExplicitFactors
{
    public ExplicitFactors(int users, int items, int rank, float mean, bool useBiases, Random random)
    {
        Rank = rank;
        UseBiases = useBiases;
        Mean = mean;
        double std = 0.1;
        P = FactorInitializer.Normal(random, users * rank, std);
        Q = FactorInitializer.Normal(random, items * rank, std);
        Bu = new float[users];
        Bi = new float[items];
    }

    /// <summary>All-zero factors and biases (for a solver that sets its own initial values).</summary>
    public ExplicitFactors(int users, int items, int rank, float mean, bool useBiases)
    {
        Rank = rank;
        UseBiases = useBiases;
        Mean = mean;
        P = new float[users * rank];
        Q = new float[items * rank];
        Bu = new float[users];
        Bi = new float[items];
    }

    public int Rank { get; }
    public bool UseBiases { get; }
    public float Mean { get; }
    public float[] P { get; }
    public float[] Q { get; }
    public float[] Bu { get; }
    public float[] Bi { get; }

    /// <summary>Prediction for 0-based user and item.</summary>
    public float Predict(int u, int i) =>
        Mean + Bu[u] + Bi[i] + TensorPrimitives.Dot(new ReadOnlySpan<float>(P, u * Rank, Rank), new ReadOnlySpan<float>(Q, i * Rank, Rank));

    /// <summary>Objective (see the class remarks) divided by the number of ratings, and the training RMSE.</summary>
    public (double Loss, double Rmse) Evaluate(InteractionData data, float lambda)
    {
        double sq = 0, reg = 0;
        for (int r = 0; r < data.Count; r++)
        {
            int u = data.Users[r], i = data.Items[r];
            double e = data.Labels[r] - Predict(u, i);
            sq += e * e;
            var p = new ReadOnlySpan<float>(P, u * Rank, Rank);
            var q = new ReadOnlySpan<float>(Q, i * Rank, Rank);
            reg += TensorPrimitives.Dot(p, p) + TensorPrimitives.Dot(q, q) + Bu[u] * Bu[u] + Bi[i] * Bi[i];
        }
        return ((sq + lambda * reg) / data.Count, Math.Sqrt(sq / data.Count));
    }

    /// <summary>Root mean squared error on <paramref name="data"/> (same key spaces).</summary>
    public double Rmse(InteractionData data)
    {
        double sq = 0;
        for (int r = 0; r < data.Count; r++)
        {
            double e = data.Labels[r] - Predict(data.Users[r], data.Items[r]);
            sq += e * e;
        }
        return Math.Sqrt(sq / data.Count);
    }
}
