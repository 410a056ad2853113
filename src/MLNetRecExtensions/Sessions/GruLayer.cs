using System.Numerics.Tensors;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// One GRU layer (PyTorch <c>GRUCell</c> equations) with batched forward and backward passes through
/// <see cref="Gemm"/>. For input x <c>[b, in]</c> and previous state h <c>[b, H]</c>:
/// <c>r = σ(x·Wr + bir + h·Ur + bhr)</c>, <c>z = σ(x·Wz + biz + h·Uz + bhz)</c>,
/// <c>n = tanh(x·Wn + bin + r ⊙ (h·Un + bhn))</c>, <c>h' = (1 − z) ⊙ n + z ⊙ h</c>.
/// </summary>
/// <remarks>
/// Layouts (row-major): <see cref="InputWeights"/> <c>[in, 3H]</c> with the gate blocks <c>[r | z | n]</c> side by
/// side; in one-hot mode (<see cref="IsOneHot"/>) it is a per-item table <c>[items, 3H]</c> and the input is an item
/// index per row (x·W of a one-hot x is a row lookup). <see cref="HiddenWeights"/> <c>[H, 3H]</c>, biases <c>[3H]</c>.
/// The backward pass treats h as a constant by default (one-step truncated backpropagation, as the official code
/// detaches the state) but can also return ∂/∂h for gradient checks.
/// </remarks>
internal sealed class GruLayer
{
    private readonly int _maxBatch;
    private readonly float[] _x;
    private readonly int[] _items;
    private readonly float[] _h;
    private readonly float[] _gi;
    private readonly float[] _gh;
    private readonly float[] _r;
    private readonly float[] _z;
    private readonly float[] _n;
    private readonly float[] _dGi;
    private readonly float[] _dGh;
    private int _batch;

    public GruLayer(int inputSize, int hiddenSize, int oneHotItems, int maxBatch, int threads)
    {
        IsOneHot = oneHotItems > 0;
        InputSize = IsOneHot ? oneHotItems : inputSize;
        HiddenSize = hiddenSize;
        Threads = threads;
        _maxBatch = maxBatch;
        int g = 3 * hiddenSize;
        InputWeights = new float[(long)InputSize * g];
        HiddenWeights = new float[hiddenSize * g];
        InputBias = new float[g];
        HiddenBias = new float[g];
        InputWeightGradient = IsOneHot ? [] : new float[InputWeights.Length];
        InputRowGradient = IsOneHot ? new RowGradientBuffer(InputSize, g) : null;
        HiddenWeightGradient = new float[HiddenWeights.Length];
        InputBiasGradient = new float[g];
        HiddenBiasGradient = new float[g];
        _x = IsOneHot ? [] : new float[maxBatch * inputSize];
        _items = IsOneHot ? new int[maxBatch] : [];
        _h = new float[maxBatch * hiddenSize];
        _gi = new float[maxBatch * g];
        _gh = new float[maxBatch * g];
        _r = new float[maxBatch * hiddenSize];
        _z = new float[maxBatch * hiddenSize];
        _n = new float[maxBatch * hiddenSize];
        _dGi = new float[maxBatch * g];
        _dGh = new float[maxBatch * g];
    }

    // Shares the weights of source; own forward buffers, no gradients (inference, one scorer per thread).
    private GruLayer(GruLayer source, int maxBatch)
    {
        IsOneHot = source.IsOneHot;
        InputSize = source.InputSize;
        HiddenSize = source.HiddenSize;
        Threads = 1;
        _maxBatch = maxBatch;
        int g = 3 * HiddenSize;
        InputWeights = source.InputWeights;
        HiddenWeights = source.HiddenWeights;
        InputBias = source.InputBias;
        HiddenBias = source.HiddenBias;
        InputWeightGradient = [];
        HiddenWeightGradient = [];
        InputBiasGradient = [];
        HiddenBiasGradient = [];
        _x = IsOneHot ? [] : new float[maxBatch * InputSize];
        _items = IsOneHot ? new int[maxBatch] : [];
        _h = new float[maxBatch * HiddenSize];
        _gi = new float[maxBatch * g];
        _gh = new float[maxBatch * g];
        _r = new float[maxBatch * HiddenSize];
        _z = new float[maxBatch * HiddenSize];
        _n = new float[maxBatch * HiddenSize];
        _dGi = [];
        _dGh = [];
    }

    /// <summary>A layer sharing these weights with its own buffers for <paramref name="maxBatch"/> rows (forward only).</summary>
    public GruLayer ForInference(int maxBatch) => new(this, maxBatch);

    public bool IsOneHot { get; }
    /// <summary>Input width (dense mode) or number of items (one-hot mode).</summary>
    public int InputSize { get; }
    public int HiddenSize { get; }
    public int Threads { get; set; }
    public float[] InputWeights { get; }
    public float[] HiddenWeights { get; }
    public float[] InputBias { get; }
    public float[] HiddenBias { get; }
    public float[] InputWeightGradient { get; }
    public RowGradientBuffer? InputRowGradient { get; }
    public float[] HiddenWeightGradient { get; }
    public float[] InputBiasGradient { get; }
    public float[] HiddenBiasGradient { get; }

    /// <summary>Dense input: x <c>[b, in]</c>, h <c>[b, H]</c> → <paramref name="output"/> <c>[b, H]</c> (may not alias h).</summary>
    public void Forward(int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> h, Span<float> output)
    {
        int g = 3 * HiddenSize;
        Begin(batch, h);
        x[..(batch * InputSize)].CopyTo(_x);
        Gemm.Multiply(false, false, batch, g, InputSize, 1f, x, InputSize, InputWeights, g, 0f, _gi, g, Threads);
        for (int b = 0; b < batch; b++) TensorPrimitives.Add(_gi.AsSpan(b * g, g), InputBias, _gi.AsSpan(b * g, g));
        Finish(batch, output);
    }

    /// <summary>One-hot input: item index per row, h <c>[b, H]</c> → <paramref name="output"/> <c>[b, H]</c>.</summary>
    public void Forward(int batch, ReadOnlySpan<int> items, ReadOnlySpan<float> h, Span<float> output)
    {
        int g = 3 * HiddenSize;
        Begin(batch, h);
        items[..batch].CopyTo(_items);
        for (int b = 0; b < batch; b++)
            TensorPrimitives.Add(InputWeights.AsSpan(items[b] * g, g), InputBias, _gi.AsSpan(b * g, g));
        Finish(batch, output);
    }

    private void Begin(int batch, ReadOnlySpan<float> h)
    {
        if (batch > _maxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"At most {_maxBatch} rows per step.");
        _batch = batch;
        int g = 3 * HiddenSize;
        h[..(batch * HiddenSize)].CopyTo(_h);
        Gemm.Multiply(false, false, batch, g, HiddenSize, 1f, h, HiddenSize, HiddenWeights, g, 0f, _gh, g, Threads);
        for (int b = 0; b < batch; b++) TensorPrimitives.Add(_gh.AsSpan(b * g, g), HiddenBias, _gh.AsSpan(b * g, g));
    }

    private void Finish(int batch, Span<float> output)
    {
        int hs = HiddenSize, g = 3 * hs;
        for (int b = 0; b < batch; b++)
        {
            var gi = _gi.AsSpan(b * g, g);
            var gh = _gh.AsSpan(b * g, g);
            var r = _r.AsSpan(b * hs, hs);
            var z = _z.AsSpan(b * hs, hs);
            var n = _n.AsSpan(b * hs, hs);
            var h = _h.AsSpan(b * hs, hs);
            var o = output.Slice(b * hs, hs);
            TensorPrimitives.Add(gi[..hs], gh[..hs], r);
            TensorPrimitives.Sigmoid(r, r);
            TensorPrimitives.Add(gi.Slice(hs, hs), gh.Slice(hs, hs), z);
            TensorPrimitives.Sigmoid(z, z);
            TensorPrimitives.MultiplyAdd(r, gh.Slice(2 * hs, hs), gi.Slice(2 * hs, hs), n);
            TensorPrimitives.Tanh(n, n);
            // h' = n + z ⊙ (h − n)
            TensorPrimitives.Subtract(h, n, o);
            TensorPrimitives.MultiplyAdd(z, o, n, o);
        }
    }

    /// <summary>
    /// Backward pass of the last <see cref="Forward(int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>:
    /// <paramref name="dOutput"/> <c>[b, H]</c> is ∂L/∂h'. Accumulates the parameter gradients; writes ∂L/∂x into
    /// <paramref name="dInput"/> <c>[b, in]</c> (dense mode, when not empty) and ∂L/∂h into <paramref name="dHidden"/>
    /// (when not empty).
    /// </summary>
    public void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput, Span<float> dHidden)
    {
        int batch = _batch, hs = HiddenSize, g = 3 * hs;
        for (int b = 0; b < batch; b++)
        {
            var dh = dOutput.Slice(b * hs, hs);
            var r = _r.AsSpan(b * hs, hs);
            var z = _z.AsSpan(b * hs, hs);
            var n = _n.AsSpan(b * hs, hs);
            var h = _h.AsSpan(b * hs, hs);
            var hn = _gh.AsSpan(b * g + 2 * hs, hs);
            var dgi = _dGi.AsSpan(b * g, g);
            var dgh = _dGh.AsSpan(b * g, g);
            for (int j = 0; j < hs; j++)
            {
                float dn = dh[j] * (1f - z[j]);
                float dz = dh[j] * (h[j] - n[j]);
                float dan = dn * (1f - n[j] * n[j]);
                float dar = dan * hn[j] * r[j] * (1f - r[j]);
                float daz = dz * z[j] * (1f - z[j]);
                dgi[j] = dar; dgh[j] = dar;
                dgi[hs + j] = daz; dgh[hs + j] = daz;
                dgi[2 * hs + j] = dan; dgh[2 * hs + j] = dan * r[j];
            }
            TensorPrimitives.Add(InputBiasGradient, dgi, InputBiasGradient);
            TensorPrimitives.Add(HiddenBiasGradient, dgh, HiddenBiasGradient);
            if (IsOneHot) InputRowGradient!.Add(_items[b], dgi);
        }
        Gemm.Multiply(true, false, hs, g, batch, 1f, _h, hs, _dGh, g, 1f, HiddenWeightGradient, g, Threads);
        if (!IsOneHot)
        {
            Gemm.Multiply(true, false, InputSize, g, batch, 1f, _x, InputSize, _dGi, g, 1f, InputWeightGradient, g, Threads);
            if (!dInput.IsEmpty)
                Gemm.Multiply(false, true, batch, InputSize, g, 1f, _dGi, g, InputWeights, g, 0f, dInput, InputSize, Threads);
        }
        if (!dHidden.IsEmpty)
        {
            Gemm.Multiply(false, true, batch, hs, g, 1f, _dGh, g, HiddenWeights, g, 0f, dHidden, hs, Threads);
            for (int b = 0; b < batch; b++)
                TensorPrimitives.MultiplyAdd(dOutput.Slice(b * hs, hs), _z.AsSpan(b * hs, hs), dHidden.Slice(b * hs, hs), dHidden.Slice(b * hs, hs));
        }
    }

    /// <summary>Clears the dense gradients (the one-hot row gradient is cleared by its optimizer step).</summary>
    public void ZeroGradients()
    {
        Array.Clear(InputWeightGradient);
        Array.Clear(HiddenWeightGradient);
        Array.Clear(InputBiasGradient);
        Array.Clear(HiddenBiasGradient);
    }
}
