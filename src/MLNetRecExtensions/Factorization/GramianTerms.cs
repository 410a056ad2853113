using System.Numerics.Tensors;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// The per-sweep terms of a weighted ALS half-step that do not depend on the row being solved, computed once from
/// the fixed factors <c>Y</c> (<c>[count, rank]</c> row-major): the Gramian <c>G = YᵀY</c> and column sum
/// <c>s = Σ y</c>, and from them the shared normal-equation matrix <c>M = (w0 + g)·G + λ·I</c> and right-hand side
/// <c>b0 = w0·t0·s</c> (<c>w0</c> unobserved weight, <c>t0</c> unobserved target, <c>g</c> gravity, <c>λ</c> L2).
/// All matrices are <c>[rank, rank]</c> row-major.
/// </summary>
internal sealed class GramianTerms
{
    // Fixed chunking (independent of the thread count) keeps the summation order, and so the result, deterministic.
    private const int ChunkRows = 2048;

    private GramianTerms(int rank, float[] gram, float[] sum, float[] m, float[] b0)
    {
        Rank = rank;
        Gram = gram;
        Sum = sum;
        M = m;
        B0 = b0;
    }

    /// <summary>Factor length.</summary>
    public int Rank { get; }
    /// <summary><c>YᵀY</c>, <c>[rank, rank]</c>.</summary>
    public float[] Gram { get; }
    /// <summary><c>Σ y</c>, length rank.</summary>
    public float[] Sum { get; }
    /// <summary><c>(w0 + g)·G + λ·I</c>, <c>[rank, rank]</c>.</summary>
    public float[] M { get; }
    /// <summary><c>w0·t0·s</c>, length rank.</summary>
    public float[] B0 { get; }

    /// <summary>Computes the terms from the <paramref name="count"/> rows of <paramref name="y"/>.</summary>
    public static GramianTerms Compute(float[] y, int count, int rank, WeightedAlsSettings settings)
    {
        int chunks = (count + ChunkRows - 1) / ChunkRows;
        var partialGram = new float[chunks][];
        var partialSum = new float[chunks][];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, c =>
        {
            var g = new float[rank * rank];
            var s = new float[rank];
            int end = Math.Min(count, (c + 1) * ChunkRows);
            for (int r = c * ChunkRows; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(y, r * rank, rank);
                TensorPrimitives.Add(s, row, s);
                for (int a = 0; a < rank; a++)
                {
                    var ga = g.AsSpan(a * rank, rank);
                    TensorPrimitives.MultiplyAdd(row, row[a], ga, ga);
                }
            }
            partialGram[c] = g;
            partialSum[c] = s;
        });
        var gramD = new double[rank * rank];
        var sumD = new double[rank];
        for (int c = 0; c < chunks; c++)
        {
            for (int k = 0; k < gramD.Length; k++) gramD[k] += partialGram[c][k];
            for (int k = 0; k < rank; k++) sumD[k] += partialSum[c][k];
        }
        var gram = new float[rank * rank];
        var sum = new float[rank];
        var m = new float[rank * rank];
        var b0 = new float[rank];
        double shared = settings.UnobservedWeight + settings.Gravity;
        for (int k = 0; k < gram.Length; k++)
        {
            gram[k] = (float)gramD[k];
            m[k] = (float)(shared * gramD[k]);
        }
        for (int a = 0; a < rank; a++)
        {
            m[a * rank + a] += settings.Lambda;
            sum[a] = (float)sumD[a];
            b0[a] = (float)(settings.UnobservedWeight * settings.UnobservedTarget * sumD[a]);
        }
        return new GramianTerms(rank, gram, sum, m, b0);
    }
}
