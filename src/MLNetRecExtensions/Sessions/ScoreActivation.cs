namespace MLNetRecExtensions.Sessions;

/// <summary>The final activation of candidate scores, forward in place and backward from the activated output.</summary>
internal static class ScoreActivation
{
    /// <summary>Applies <paramref name="kind"/> to <paramref name="values"/> in place.</summary>
    public static void Forward(Gru4RecFinalActivation kind, float elu, Span<float> values)
    {
        switch (kind)
        {
            case Gru4RecFinalActivation.Tanh:
                System.Numerics.Tensors.TensorPrimitives.Tanh(values, values);
                break;
            case Gru4RecFinalActivation.Elu:
                for (int i = 0; i < values.Length; i++)
                    if (values[i] <= 0f) values[i] = elu * (MathF.Exp(values[i]) - 1f);
                break;
        }
    }

    /// <summary>Multiplies <paramref name="gradient"/> by the derivative, read from the activated <paramref name="output"/>.</summary>
    public static void Backward(Gru4RecFinalActivation kind, float elu, ReadOnlySpan<float> output, Span<float> gradient)
    {
        switch (kind)
        {
            case Gru4RecFinalActivation.Tanh:
                for (int i = 0; i < gradient.Length; i++) gradient[i] *= 1f - output[i] * output[i];
                break;
            case Gru4RecFinalActivation.Elu:
                // y ≤ 0 ⇔ x ≤ 0, where dy/dx = a·eˣ = y + a.
                for (int i = 0; i < gradient.Length; i++)
                    if (output[i] <= 0f) gradient[i] *= output[i] + elu;
                break;
        }
    }
}
