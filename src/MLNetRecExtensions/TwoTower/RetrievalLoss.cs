using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The loss of one batch from the raw tower outputs: B user rows U (<c>[B, d]</c>) against C candidate item rows V
/// (<c>[C, d]</c>). For cosine similarity both are L2-normalized first. Softmax losses take
/// <c>logits = U·Vᵀ / τ</c> and the mean softmax cross-entropy of row b against column <c>targets[b]</c>, with
/// <c>logQ</c> subtracted per column (log-Q correction) and masked entries left out (accidental hits);
/// <see cref="TwoTowerLoss.PositivesOnly"/> takes the mean logistic loss <c>log(1 + e^(−u_b·v_b/τ))</c> of the pairs
/// (C = B, row b with candidate b). The gravity term is added on the normalized embeddings.
/// </summary>
internal sealed class RetrievalLoss
{
    public RetrievalLoss(TwoTowerLoss loss, TwoTowerSimilarity similarity, float temperature, float gravityWeight, int threads)
    {
        Loss = loss;
        Similarity = similarity;
        Temperature = temperature;
        GravityWeight = gravityWeight;
        Threads = threads;
    }

    private float[] _logits = [], _dLogits = [];
    private readonly DistinctSoftmax _distinct = new();

    public TwoTowerLoss Loss { get; }
    public TwoTowerSimilarity Similarity { get; }
    public float Temperature { get; }
    public float GravityWeight { get; }
    public int Threads { get; }

    /// <summary>
    /// Returns the loss and writes its gradients with respect to the RAW tower outputs into <paramref name="dURaw"/>
    /// (<c>[B, d]</c>) and <paramref name="dVRaw"/> (<c>[C, d]</c>).
    /// </summary>
    public float Compute(float[] uRaw, int b, float[] vRaw, int c, int d, ReadOnlySpan<int> targets,
        ReadOnlySpan<float> logQ, ReadOnlySpan<bool> mask, float[] dURaw, float[] dVRaw)
    {
        bool cosine = Similarity == TwoTowerSimilarity.Cosine;
        float[] u = uRaw, v = vRaw, uNorms = [], vNorms = [];
        if (cosine)
        {
            u = new float[uRaw.Length];
            v = new float[vRaw.Length];
            uNorms = new float[b];
            vNorms = new float[c];
            RowL2Normalization.Forward(uRaw, b, d, u, uNorms);
            RowL2Normalization.Forward(vRaw, c, d, v, vNorms);
        }
        var dU = cosine ? new float[u.Length] : dURaw;
        var dV = cosine ? new float[v.Length] : dVRaw;
        float invT = 1f / Temperature;
        float loss = Loss == TwoTowerLoss.PositivesOnly
            ? PositivesOnly(u, v, b, d, invT, dU, dV)
            : Softmax(u, v, b, c, d, invT, targets, logQ, mask, dU, dV);
        loss += GravityRegularizer.Apply(u, b, v, c, d, GravityWeight, dU, dV, Threads);
        if (cosine)
        {
            RowL2Normalization.Backward(u, uNorms, dU, b, d, dURaw);
            RowL2Normalization.Backward(v, vNorms, dV, c, d, dVRaw);
        }
        return loss;
    }

    private float Softmax(float[] u, float[] v, int b, int c, int d, float invT, ReadOnlySpan<int> targets,
        ReadOnlySpan<float> logQ, ReadOnlySpan<bool> mask, float[] dU, float[] dV)
    {
        if (mask.IsEmpty) return _distinct.Compute(u, b, v, c, d, invT, targets, logQ, dU, dV, Threads);
        // With a mask rows of one user differ, so every pair is scored. The [B, C] buffers (4 MB each at B = C = 1024) are kept between batches: allocating them per batch was the
        // largest allocation of an epoch (large-object heap, a gen-2 collection every few batches).
        if (_logits.Length < b * c)
        {
            _logits = new float[b * c];
            _dLogits = new float[b * c];
        }
        var logits = _logits.AsSpan(0, b * c);
        var dLogits = _dLogits.AsSpan(0, b * c);
        Gemm.Multiply(false, true, b, c, d, invT, u, v, 0f, logits, Threads);
        float loss = Losses.SoftmaxCrossEntropy(logits, b, c, targets, dLogits, logQ, mask, Threads);
        Gemm.Multiply(false, false, b, d, c, invT, dLogits, v, 0f, dU, Threads);
        Gemm.Multiply(true, false, c, d, b, invT, dLogits, u, 0f, dV, Threads);
        return loss;
    }

    private static float PositivesOnly(float[] u, float[] v, int b, int d, float invT, float[] dU, float[] dV)
    {
        var z = new float[b];
        for (int r = 0; r < b; r++)
            z[r] = invT * System.Numerics.Tensors.TensorPrimitives.Dot<float>(u.AsSpan(r * d, d), v.AsSpan(r * d, d));
        var ones = new float[b];
        Array.Fill(ones, 1f);
        var dz = new float[b];
        float loss = Losses.Logistic(z, ones, dz);
        Array.Clear(dU);
        Array.Clear(dV);
        for (int r = 0; r < b; r++)
        {
            float g = dz[r] * invT;
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(v.AsSpan(r * d, d), g, dU.AsSpan(r * d, d), dU.AsSpan(r * d, d));
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(u.AsSpan(r * d, d), g, dV.AsSpan(r * d, d), dV.AsSpan(r * d, d));
        }
        return loss;
    }
}
