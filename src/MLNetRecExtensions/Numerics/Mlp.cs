namespace MLNetRecExtensions.Numerics;

/// <summary>
/// A multilayer perceptron: <see cref="Dense"/> layers of widths <c>widths[0] → widths[1] → … → widths[^1]</c>, each
/// followed by ReLU except, when <c>linearOutput</c> is true, the last. <see cref="Forward"/> keeps the batch's
/// activations for the next <see cref="Backward"/>, so one instance serves one forward/backward pair at a time
/// (not thread-safe).
/// </summary>
public sealed class Mlp
{
    private readonly Dense[] _layers;
    private float[] _input = [];
    private float[][] _outputs;
    private int _batch = -1;

    /// <summary>Creates the layers, layer l seeded with <c>seed + l</c>.</summary>
    /// <param name="widths">Input width, hidden widths, output width: at least 2 entries, all &gt; 0.</param>
    /// <param name="linearOutput">Whether the last layer has no ReLU (e.g. to output embeddings or logits).</param>
    /// <param name="seed">Seed of the weight initialisation.</param>
    public Mlp(IReadOnlyList<int> widths, bool linearOutput, int seed)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2)
            throw new ArgumentOutOfRangeException(nameof(widths), widths.Count, "Give at least the input and output widths.");
        _layers = new Dense[widths.Count - 1];
        for (int l = 0; l < _layers.Length; l++) _layers[l] = new Dense(widths[l], widths[l + 1], seed + l, $"dense{l}");
        _outputs = new float[_layers.Length][];
        LinearOutput = linearOutput;
    }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<Dense> Layers => _layers;
    /// <summary>Whether the last layer is linear.</summary>
    public bool LinearOutput { get; }
    /// <summary>Input width.</summary>
    public int InputSize => _layers[0].InputSize;
    /// <summary>Output width.</summary>
    public int OutputSize => _layers[^1].OutputSize;
    /// <summary>All weights and biases, input layer first.</summary>
    public IReadOnlyList<Parameter> Parameters => _layers.SelectMany(l => l.Parameters).ToArray();

    /// <summary>Clears every parameter gradient.</summary>
    public void ZeroGradients()
    {
        foreach (var layer in _layers) layer.ZeroGradients();
    }

    /// <summary>Runs the batch <paramref name="x"/> (<c>[batch, InputSize]</c>) and returns the output <c>[batch, OutputSize]</c> (valid until the next Forward).</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> x, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (x.Length != (long)batch * InputSize)
            throw new ArgumentOutOfRangeException(nameof(x), x.Length, $"Expected [batch, InputSize] = {batch} × {InputSize} values.");
        _input = x.ToArray();
        _batch = batch;
        ReadOnlySpan<float> current = _input;
        for (int l = 0; l < _layers.Length; l++)
        {
            var output = _outputs[l] = EnsureLength(_outputs[l], batch * _layers[l].OutputSize);
            _layers[l].Forward(current, batch, output);
            if (HasRelu(l)) Activations.ReluForward(output, output);
            current = output;
        }
        return current;
    }

    /// <summary>
    /// Back-propagates <paramref name="dOutput"/> (<c>[batch, OutputSize]</c>) through the last Forward batch, adding to
    /// the parameter gradients, and writes the input gradient into <paramref name="dInput"/> unless it is empty.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Forward preceded this call.</exception>
    public void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        if (_batch < 0) throw new InvalidOperationException("Call Forward before Backward: the layer activations of the batch are needed.");
        if (dOutput.Length != _batch * OutputSize)
            throw new ArgumentOutOfRangeException(nameof(dOutput), dOutput.Length, $"Expected [batch, OutputSize] = {_batch} × {OutputSize} values.");
        float[] gradient = dOutput.ToArray();
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            if (HasRelu(l)) Activations.ReluBackward(_outputs[l], gradient, gradient);
            ReadOnlySpan<float> layerInput = l == 0 ? _input : _outputs[l - 1];
            if (l == 0)
            {
                _layers[0].Backward(layerInput, gradient, _batch, dInput);
                break;
            }
            var dx = new float[_batch * _layers[l].InputSize];
            _layers[l].Backward(layerInput, gradient, _batch, dx);
            gradient = dx;
        }
    }

    private bool HasRelu(int layer) => !(LinearOutput && layer == _layers.Length - 1);

    private static float[] EnsureLength(float[]? buffer, int length) => buffer is { } b && b.Length == length ? b : new float[length];
}
