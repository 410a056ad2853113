using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// The joint model: <c>logit = bias + w·x_wide + MLP(embeddings ⊕ continuous)</c> (either part may be absent) under
/// ONE weighted logistic loss <c>L = Σ_j w_j·ℓ(logit_j, y_j) / Σ_j w_j</c>. Its gradient
/// <c>∂L/∂logit_j = w_j·(σ(logit_j) − y_j) / Σ w</c> is back-propagated into both parts and the bias, so they are
/// trained together (joint training, not an ensemble of separately fitted models). The bias is trained with
/// FTRL-Proximal without regularisation.
/// </summary>
internal sealed class WideAndDeepNetwork
{
    private readonly FtrlOptimizer _biasOptimizer;

    public WideAndDeepNetwork(WidePart? wide, DeepPart? deep, WideAndDeepOptions options)
    {
        Wide = wide;
        Deep = deep;
        _biasOptimizer = new FtrlOptimizer(1, options.FtrlAlpha, options.FtrlBeta);
    }

    public WidePart? Wide { get; }
    public DeepPart? Deep { get; }

    /// <summary>The global bias (one value; FTRL starts it at 0).</summary>
    public float[] Bias { get; } = new float[1];

    /// <summary>Accumulated <c>∂L/∂bias</c>.</summary>
    public float[] BiasGradient { get; } = new float[1];

    /// <summary>Writes the logits of <paramref name="rows"/> into <paramref name="logits"/>.</summary>
    public void Forward(WideAndDeepExamples examples, ReadOnlySpan<int> rows, Span<float> logits)
    {
        logits.Fill(Bias[0]);
        Wide?.Forward(examples, rows, logits);
        Deep?.Forward(examples, rows, logits);
    }

    /// <summary>
    /// Forward and backward pass of one mini-batch: returns the weighted mean loss (0 when every weight is 0) and
    /// accumulates the gradients of all parameters.
    /// </summary>
    public float ForwardBackward(WideAndDeepExamples examples, ReadOnlySpan<int> rows)
    {
        int n = rows.Length;
        var logits = new float[n];
        var labels = new float[n];
        var weights = new float[n];
        double weightSum = 0;
        for (int j = 0; j < n; j++)
        {
            labels[j] = examples.Labels[rows[j]];
            weightSum += weights[j] = examples.Weights[rows[j]];
        }
        Forward(examples, rows, logits);
        var dLogits = new float[n];
        float meanOverRows = Losses.Logistic(logits, labels, dLogits, weights);
        if (weightSum <= 0) return 0f;
        // Losses.Logistic divides by n; the loss here is normalised by Σw so integer weights equal duplicated rows.
        float rescale = (float)(n / weightSum);
        for (int j = 0; j < n; j++) dLogits[j] *= rescale;
        foreach (float d in dLogits) BiasGradient[0] += d;
        Wide?.Backward(examples, rows, dLogits);
        Deep?.Backward(dLogits);
        return (float)(meanOverRows * (n / weightSum));
    }

    /// <summary>Applies one optimizer step to every part from the accumulated gradients, then clears them.</summary>
    public void Step()
    {
        _biasOptimizer.Step(Bias, BiasGradient);
        BiasGradient[0] = 0f;
        Wide?.Step();
        Deep?.Step();
    }

    /// <summary>Clears every accumulated gradient.</summary>
    public void ZeroGradients()
    {
        BiasGradient[0] = 0f;
        Wide?.ZeroGradient();
        Deep?.ZeroGradients();
    }
}
