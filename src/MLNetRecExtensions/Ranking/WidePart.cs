using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// The wide part: a linear function <c>w · x</c> of the sparse wide vector, trained with FTRL-Proximal. Gradients
/// are accumulated densely in <see cref="Gradient"/> but only the touched coordinates are tracked, and
/// <see cref="Step"/> updates (and clears) just those — a batch costs its non-zeros, not the vector length.
/// </summary>
internal sealed class WidePart
{
    private readonly FtrlOptimizer _ftrl;
    private readonly bool[] _isTouched;
    private readonly List<int> _touched = new();

    public WidePart(int length, WideAndDeepOptions options)
    {
        Weights = new float[length];
        Gradient = new float[length];
        _isTouched = new bool[length];
        _ftrl = new FtrlOptimizer(length, options.FtrlAlpha, options.FtrlBeta, options.FtrlL1, options.FtrlL2);
    }

    /// <summary>w, one weight per wide slot (FTRL starts from zeros).</summary>
    public float[] Weights { get; }

    /// <summary>Accumulated <c>∂L/∂w</c> since the last <see cref="Step"/> or <see cref="ZeroGradient"/>.</summary>
    public float[] Gradient { get; }

    /// <summary>Adds <c>w · x_r</c> to <c>logits[j]</c> for the j-th row <c>r = rows[j]</c>.</summary>
    public void Forward(WideAndDeepExamples examples, ReadOnlySpan<int> rows, Span<float> logits)
    {
        for (int j = 0; j < rows.Length; j++)
        {
            int r = rows[j];
            float sum = 0f;
            for (int p = examples.WideRowStart[r]; p < examples.WideRowStart[r + 1]; p++)
                sum += Weights[examples.WideIndices[p]] * examples.WideValues[p];
            logits[j] += sum;
        }
    }

    /// <summary>Accumulates <c>∂L/∂w_i += Σ_j dLogits[j]·x_{rows[j], i}</c>.</summary>
    public void Backward(WideAndDeepExamples examples, ReadOnlySpan<int> rows, ReadOnlySpan<float> dLogits)
    {
        for (int j = 0; j < rows.Length; j++)
        {
            int r = rows[j];
            float d = dLogits[j];
            for (int p = examples.WideRowStart[r]; p < examples.WideRowStart[r + 1]; p++)
            {
                int i = examples.WideIndices[p];
                if (!_isTouched[i])
                {
                    _isTouched[i] = true;
                    _touched.Add(i);
                }
                Gradient[i] += d * examples.WideValues[p];
            }
        }
    }

    /// <summary>One FTRL-Proximal step on the touched coordinates, then clears the gradient.</summary>
    public void Step()
    {
        if (_touched.Count == 0) return;
        var rows = _touched.ToArray();
        Array.Sort(rows);
        var grads = new float[rows.Length];
        for (int s = 0; s < rows.Length; s++) grads[s] = Gradient[rows[s]];
        _ftrl.StepRows(Weights, 1, rows, grads);
        ZeroGradient();
    }

    /// <summary>Clears the accumulated gradient (touched coordinates only).</summary>
    public void ZeroGradient()
    {
        foreach (int i in _touched)
        {
            Gradient[i] = 0f;
            _isTouched[i] = false;
        }
        _touched.Clear();
    }
}
