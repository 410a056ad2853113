using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// A fully connected layer <c>y = x·W + b</c> on a batch: <c>x</c> is <c>[batch, InputSize]</c>, <c>W</c> is
/// <c>[InputSize, OutputSize]</c>, <c>b</c> is <c>[OutputSize]</c>, <c>y</c> is <c>[batch, OutputSize]</c>, all row-major.
/// <see cref="Backward"/> ADDS into the parameter gradients (call <see cref="ZeroGradients"/> between steps), so a layer
/// applied several times per step accumulates correctly.
/// </summary>
public sealed class Dense
{
    /// <summary>Creates a layer with Xavier/Glorot-uniform weights (<c>U(±√(6/(in+out)))</c>) and zero bias.</summary>
    /// <param name="inputSize">Input width, &gt; 0.</param>
    /// <param name="outputSize">Output width, &gt; 0.</param>
    /// <param name="seed">Seed of the weight initialisation.</param>
    /// <param name="name">Prefix of the parameter names.</param>
    public Dense(int inputSize, int outputSize, int seed, string name = "dense")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        InputSize = inputSize;
        OutputSize = outputSize;
        var weights = new float[inputSize * outputSize];
        var rng = new Random(seed);
        float limit = MathF.Sqrt(6f / (inputSize + outputSize));
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)((rng.NextDouble() * 2 - 1) * limit);
        Weights = new Parameter(name + ".weights", weights);
        Bias = new Parameter(name + ".bias", new float[outputSize]);
    }

    /// <summary>Input width.</summary>
    public int InputSize { get; }
    /// <summary>Output width.</summary>
    public int OutputSize { get; }
    /// <summary>W, <c>[InputSize, OutputSize]</c> row-major.</summary>
    public Parameter Weights { get; }
    /// <summary>b, <c>[OutputSize]</c>.</summary>
    public Parameter Bias { get; }
    /// <summary>The weights and the bias.</summary>
    public IReadOnlyList<Parameter> Parameters => [Weights, Bias];

    /// <summary>Clears both parameter gradients.</summary>
    public void ZeroGradients()
    {
        Weights.ZeroGradient();
        Bias.ZeroGradient();
    }

    /// <summary>Writes <c>y = x·W + b</c>; <paramref name="x"/> is <c>[batch, InputSize]</c>, <paramref name="y"/> <c>[batch, OutputSize]</c>.</summary>
    public void Forward(ReadOnlySpan<float> x, int batch, Span<float> y)
    {
        CheckBatch(x.Length, y.Length, batch);
        for (int r = 0; r < batch; r++) Bias.Values.CopyTo(y.Slice(r * OutputSize, OutputSize));
        Gemm.Multiply(false, false, batch, OutputSize, InputSize, 1f, x, Weights.Values, 1f, y);
    }

    /// <summary>
    /// Given the forward input <paramref name="x"/> and upstream <paramref name="dy"/> (<c>[batch, OutputSize]</c>):
    /// adds <c>xᵀ·dy</c> to the weight gradient and the column sums of dy to the bias gradient, and writes
    /// <c>dx = dy·Wᵀ</c> (<c>[batch, InputSize]</c>) unless <paramref name="dx"/> is empty.
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, Span<float> dx)
    {
        CheckBatch(x.Length, dy.Length, batch);
        if (!dx.IsEmpty && dx.Length != batch * InputSize)
            throw new ArgumentOutOfRangeException(nameof(dx), dx.Length, $"Expected [batch, InputSize] = {batch} × {InputSize} values or none.");
        Gemm.Multiply(true, false, InputSize, OutputSize, batch, 1f, x, dy, 1f, Weights.Gradient);
        var db = Bias.Gradient.AsSpan();
        for (int r = 0; r < batch; r++) TensorPrimitives.Add(db, dy.Slice(r * OutputSize, OutputSize), db);
        if (!dx.IsEmpty) Gemm.Multiply(false, true, batch, InputSize, OutputSize, 1f, dy, Weights.Values, 0f, dx);
    }

    private void CheckBatch(int inputLength, int outputLength, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (inputLength != (long)batch * InputSize)
            throw new ArgumentOutOfRangeException("x", inputLength, $"Expected [batch, InputSize] = {batch} × {InputSize} values.");
        if (outputLength != (long)batch * OutputSize)
            throw new ArgumentOutOfRangeException("y", outputLength, $"Expected [batch, OutputSize] = {batch} × {OutputSize} values.");
    }
}
