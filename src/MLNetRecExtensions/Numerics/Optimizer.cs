namespace MLNetRecExtensions.Numerics;

/// <summary>
/// A first-order optimizer that owns its per-coordinate state for ONE parameter array of <see cref="Length"/> floats
/// (create one optimizer per parameter). Dense updates go through <see cref="Step"/>; sparse updates of some rows of
/// a <c>[Length / dimension, dimension]</c> table (an embedding) through <see cref="StepRows"/>, which reads and
/// writes only the state of the touched rows.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates an optimizer for a parameter array of <paramref name="length"/> floats.</summary>
    protected Optimizer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    /// <summary>Number of parameters this optimizer's state covers.</summary>
    public int Length { get; }

    /// <summary>Updates every weight from its gradient; both spans have <see cref="Length"/> values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A span length differs from <see cref="Length"/>.</exception>
    public void Step(Span<float> weights, ReadOnlySpan<float> gradient)
    {
        CheckLength(nameof(weights), weights.Length);
        CheckLength(nameof(gradient), gradient.Length);
        OnStepStarted();
        UpdateRange(weights, gradient, 0);
    }

    /// <summary>
    /// Updates only the rows <paramref name="rows"/> of the row-major <c>[Length / dimension, dimension]</c>
    /// <paramref name="table"/>; <paramref name="rowGradients"/> is <c>[rows.Length, dimension]</c>, row s the gradient
    /// of row <c>rows[s]</c>. Rows must be distinct (e.g. <see cref="SparseRowGradient.Rows"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A length does not match, or a row id is outside the table.</exception>
    public void StepRows(Span<float> table, int dimension, ReadOnlySpan<int> rows, ReadOnlySpan<float> rowGradients)
    {
        CheckLength(nameof(table), table.Length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (Length % dimension != 0)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The table of {Length} values is not a whole number of rows of {dimension}.");
        if (rowGradients.Length != (long)rows.Length * dimension)
            throw new ArgumentOutOfRangeException(nameof(rowGradients), rowGradients.Length, $"Expected [rows, dimension] = {rows.Length} × {dimension} values.");
        int count = Length / dimension;
        foreach (int row in rows)
            if ((uint)row >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row {row} is outside the table of {count} rows.");
        OnStepStarted();
        for (int s = 0; s < rows.Length; s++)
        {
            int start = rows[s] * dimension;
            UpdateRange(table.Slice(start, dimension), rowGradients.Slice(s * dimension, dimension), start);
        }
    }

    /// <summary>
    /// Like <see cref="StepRows"/>, but the gradient of row <c>rows[s]</c> is read in place from the full-size
    /// <paramref name="gradientTable"/> (same <c>[Length / dimension, dimension]</c> layout as <paramref name="table"/>),
    /// so a caller accumulating into a dense buffer needs no packing copy. Rows must be distinct.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A length does not match, or a row id is outside the table.</exception>
    public void StepTableRows(Span<float> table, int dimension, ReadOnlySpan<int> rows, ReadOnlySpan<float> gradientTable)
    {
        CheckLength(nameof(table), table.Length);
        CheckLength(nameof(gradientTable), gradientTable.Length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (Length % dimension != 0)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The table of {Length} values is not a whole number of rows of {dimension}.");
        int count = Length / dimension;
        foreach (int row in rows)
            if ((uint)row >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row {row} is outside the table of {count} rows.");
        OnStepStarted();
        foreach (int row in rows)
        {
            int start = row * dimension;
            UpdateRange(table.Slice(start, dimension), gradientTable.Slice(start, dimension), start);
        }
    }

    /// <summary>Sparse update of <paramref name="table"/> from a <see cref="SparseRowGradient"/> (its rows and dimension).</summary>
    public void StepSparse(Span<float> table, SparseRowGradient gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        StepRows(table, gradient.Dimension, gradient.Rows, gradient.Values);
    }

    /// <summary>Called once per <see cref="Step"/> or <see cref="StepRows"/> call, before any update (e.g. to advance a step counter).</summary>
    protected virtual void OnStepStarted() { }

    /// <summary>
    /// Updates <paramref name="weights"/> (a contiguous slice of the parameter array starting at index
    /// <paramref name="stateOffset"/>, which is also where this slice's state starts) from <paramref name="gradient"/>.
    /// </summary>
    protected abstract void UpdateRange(Span<float> weights, ReadOnlySpan<float> gradient, int stateOffset);

    private void CheckLength(string name, int length)
    {
        if (length != Length)
            throw new ArgumentOutOfRangeException(name, length, $"This optimizer was created for {Length} parameters; '{name}' has {length}.");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and positive.</summary>
    protected static void RequirePositive(float value, string name)
    {
        if (!(value > 0f) || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a positive finite number.");
    }

    /// <summary>Throws unless <paramref name="value"/> is in <c>[0, 1)</c>.</summary>
    protected static void RequireUnitInterval(float value, string name)
    {
        if (!(value >= 0f && value < 1f))
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be in [0, 1).");
    }
}
