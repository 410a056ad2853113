using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The gradient of some rows of a <c>[rows, dimension]</c> table (item embeddings, output weights, biases): a dense
/// buffer plus the list of touched rows, so accumulation is O(1) per row, duplicates are summed, and the optimizer
/// step and the reset touch only those rows (the official code's sparse, coalesced update).
/// </summary>
internal sealed class RowGradientBuffer
{
    private readonly float[] _gradient;
    private readonly bool[] _touched;
    private readonly List<int> _rows = [];

    public RowGradientBuffer(int rows, int dimension)
    {
        Dimension = dimension;
        _gradient = new float[(long)rows * dimension];
        _touched = new bool[rows];
    }

    public int Dimension { get; }

    /// <summary>Touched rows, in first-touch order (distinct).</summary>
    public IReadOnlyList<int> Rows => _rows;

    /// <summary>The gradient of <paramref name="row"/> (writable; marks it touched).</summary>
    public Span<float> Row(int row)
    {
        if (!_touched[row]) { _touched[row] = true; _rows.Add(row); }
        return _gradient.AsSpan(row * Dimension, Dimension);
    }

    /// <summary>Adds <paramref name="values"/> to the gradient of <paramref name="row"/>.</summary>
    public void Add(int row, ReadOnlySpan<float> values)
    {
        var target = Row(row);
        TensorPrimitives.Add(target, values, target);
    }

    /// <summary>The current gradient of <paramref name="row"/> (zero when untouched), for tests.</summary>
    public ReadOnlySpan<float> Peek(int row) => _gradient.AsSpan(row * Dimension, Dimension);

    /// <summary>Applies <paramref name="optimizer"/> to the touched rows of <paramref name="table"/>, then clears the gradient.</summary>
    public void Step(Optimizer optimizer, float[] table)
    {
        if (_rows.Count == 0) return;
        optimizer.StepTableRows(table, Dimension, CollectionsMarshal.AsSpan(_rows), _gradient);
        Clear();
    }

    /// <summary>Zeroes the touched rows and forgets them.</summary>
    public void Clear()
    {
        foreach (int row in _rows)
        {
            _gradient.AsSpan(row * Dimension, Dimension).Clear();
            _touched[row] = false;
        }
        _rows.Clear();
    }
}
