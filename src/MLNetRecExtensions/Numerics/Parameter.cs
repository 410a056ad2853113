namespace MLNetRecExtensions.Numerics;

/// <summary>A trainable dense parameter array and the gradient accumulated for it (same length, same layout).</summary>
public sealed class Parameter
{
    /// <summary>Wraps existing storage (not copied).</summary>
    /// <param name="name">Name for messages and debugging, e.g. <c>dense0.weights</c>.</param>
    /// <param name="values">The parameter values.</param>
    public Parameter(string name, float[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        Name = name;
        Values = values;
        Gradient = new float[values.Length];
    }

    /// <summary>Name for messages and debugging.</summary>
    public string Name { get; }

    /// <summary>The values.</summary>
    public float[] Values { get; }

    /// <summary>The gradient, accumulated by backward passes until <see cref="ZeroGradient"/>.</summary>
    public float[] Gradient { get; }

    /// <summary>Clears <see cref="Gradient"/>.</summary>
    public void ZeroGradient() => Array.Clear(Gradient);

    /// <summary>Applies one optimizer step from the accumulated gradient (the optimizer's length must match).</summary>
    public void Step(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.Step(Values, Gradient);
    }
}
