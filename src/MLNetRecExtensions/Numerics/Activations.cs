using System.Numerics;
using System.Numerics.Tensors;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// Element-wise activations with explicit forward and backward passes. Backward passes take the forward OUTPUT
/// <c>y</c> (which is all they need) and the upstream gradient <c>dy</c>, and write <c>dx</c>; <c>dx</c> may be the
/// same span as <c>dy</c> (in place). All spans of one call have the same length.
/// </summary>
public static class Activations
{
    /// <summary><c>y = max(x, 0)</c>. <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void ReluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length);
        TensorPrimitives.Max(x, 0f, y);
    }

    /// <summary><c>dx = dy</c> where <c>y &gt; 0</c>, else 0 (the subgradient at 0 is taken as 0).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        int i = 0;
        for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var mask = Vector.GreaterThan(new Vector<float>(y[i..]), Vector<float>.Zero);
            Vector.ConditionalSelect(mask, new Vector<float>(dy[i..]), Vector<float>.Zero).CopyTo(dx[i..]);
        }
        for (; i < y.Length; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    /// <summary><c>y = 1 / (1 + e^(−x))</c>. <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void SigmoidForward(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length);
        TensorPrimitives.Sigmoid(x, y);
    }

    /// <summary><c>dx = dy · y · (1 − y)</c> with <c>y</c> the sigmoid output.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        int i = 0;
        for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(y[i..]);
            (new Vector<float>(dy[i..]) * v * (Vector<float>.One - v)).CopyTo(dx[i..]);
        }
        for (; i < y.Length; i++) dx[i] = dy[i] * y[i] * (1f - y[i]);
    }

    /// <summary><c>y = tanh(x)</c>. <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void TanhForward(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length);
        TensorPrimitives.Tanh(x, y);
    }

    /// <summary><c>dx = dy · (1 − y²)</c> with <c>y</c> the tanh output.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        int i = 0;
        for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(y[i..]);
            (new Vector<float>(dy[i..]) * (Vector<float>.One - v * v)).CopyTo(dx[i..]);
        }
        for (; i < y.Length; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
    }

    private static void CheckLengths(int length, int other, int? third = null)
    {
        if (other != length || (third is { } t && t != length))
            throw new ArgumentOutOfRangeException(nameof(length),
                $"Element-wise operands must have equal lengths; got {length}, {other}{(third is { } l ? $", {l}" : "")}.");
    }
}
