using System.Numerics.Tensors;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// One epoch of SGD on <see cref="ExplicitFactors"/> with LIBMF's per-row adaptive step: each user row, item row and
/// bias keeps an accumulator <c>G</c> (starting at 1) of its mean squared gradient, and steps by
/// <c>learningRate / √G</c> (AdaGrad). The epoch visits the ratings in a seeded random order; with several threads
/// the order is split into contiguous shards updated lock-free (Hogwild), which is not bit-reproducible; with one
/// thread the epoch is deterministic.
/// </summary>
internal sealed class ExplicitSgd
{
    private readonly ExplicitFactors _f;
    private readonly float[] _gUser, _gItem, _gUserBias, _gItemBias;
    private readonly int[] _order;

    public ExplicitSgd(ExplicitFactors factors, int users, int items, int ratings)
    {
        _f = factors;
        _gUser = Ones(users);
        _gItem = Ones(items);
        _gUserBias = Ones(users);
        _gItemBias = Ones(items);
        _order = new int[ratings];
        for (int k = 0; k < ratings; k++) _order[k] = k;
    }

    private static float[] Ones(int n)
    {
        var a = new float[n];
        Array.Fill(a, 1f);
        return a;
    }

    public void Epoch(InteractionData data, float learningRate, float lambda, bool nonNegative, int threads, Random random)
    {
        random.Shuffle(_order);
        int shards = Math.Max(1, Math.Min(threads, _order.Length));
        int rank = _f.Rank;
        Parallel.For(0, shards, new ParallelOptions { MaxDegreeOfParallelism = threads }, shard =>
        {
            var gp = new float[rank];
            var gq = new float[rank];
            long from = (long)_order.Length * shard / shards, to = (long)_order.Length * (shard + 1) / shards;
            for (long k = from; k < to; k++)
            {
                int r = _order[k];
                Update(data.Users[r], data.Items[r], data.Labels[r], learningRate, lambda, nonNegative, gp, gq);
            }
        });
    }

    private void Update(int u, int i, float rating, float lr, float lambda, bool nonNegative, float[] gp, float[] gq)
    {
        int rank = _f.Rank;
        var p = _f.P.AsSpan(u * rank, rank);
        var q = _f.Q.AsSpan(i * rank, rank);
        float e = rating - (_f.Mean + _f.Bu[u] + _f.Bi[i] + TensorPrimitives.Dot<float>(p, q));
        // Gradients of ½-scaled loss: g_p = −e·q + λ·p, g_q = −e·p + λ·q (both from the old values).
        TensorPrimitives.Multiply(p, lambda, gp);
        TensorPrimitives.MultiplyAdd(q, -e, gp, gp);
        TensorPrimitives.Multiply(q, lambda, gq);
        TensorPrimitives.MultiplyAdd(p, -e, gq, gq);
        if (rank > 0)
        {
            _gUser[u] += TensorPrimitives.Dot<float>(gp, gp) / rank;
            _gItem[i] += TensorPrimitives.Dot<float>(gq, gq) / rank;
            TensorPrimitives.MultiplyAdd(gp, -lr / MathF.Sqrt(_gUser[u]), p, p);
            TensorPrimitives.MultiplyAdd(gq, -lr / MathF.Sqrt(_gItem[i]), q, q);
            if (nonNegative)
            {
                TensorPrimitives.Max(p, 0f, p);
                TensorPrimitives.Max(q, 0f, q);
            }
        }
        if (_f.UseBiases)
        {
            float gbu = -e + lambda * _f.Bu[u], gbi = -e + lambda * _f.Bi[i];
            _gUserBias[u] += gbu * gbu;
            _gItemBias[i] += gbi * gbi;
            _f.Bu[u] -= lr / MathF.Sqrt(_gUserBias[u]) * gbu;
            _f.Bi[i] -= lr / MathF.Sqrt(_gItemBias[i]) * gbi;
        }
    }
}
