using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Training (or validation) examples held in memory in the layout the network reads: the wide vectors as CSR
/// (<see cref="WideRowStart"/>, <see cref="WideIndices"/>, <see cref="WideValues"/>; zeros skipped), the categorical
/// keys as <c>[Count, categorical columns]</c> table rows (key value, 0 = unknown), the raw continuous slots as
/// <c>[Count, slots]</c>, and labels in {0, 1} with weights (all 1 without a weight column).
/// </summary>
internal sealed class WideAndDeepExamples
{
    public required int Count { get; init; }
    public required int[] WideRowStart { get; init; }
    public required int[] WideIndices { get; init; }
    public required float[] WideValues { get; init; }
    public required int[] Categorical { get; init; }
    public required int CategoricalColumns { get; init; }
    public required float[] Continuous { get; init; }
    public required int ContinuousSlots { get; init; }
    public required float[] Labels { get; init; }
    public required float[] Weights { get; init; }

    /// <summary>Reads every row of <paramref name="data"/>.</summary>
    /// <exception cref="InvalidDataException">No rows, a NaN/infinite feature, a label that is not 0/1, or a negative/NaN weight (column and row named).</exception>
    public static WideAndDeepExamples Read(IDataView data, WideAndDeepOptions options, WideAndDeepInputs inputs)
    {
        var schema = data.Schema;
        var needed = new List<DataViewSchema.Column> { schema[options.LabelColumnName] };
        if (options.WideFeatureColumnName is { } w) needed.Add(schema[w]);
        needed.AddRange(inputs.CategoricalColumns.Select(c => schema[c]));
        needed.AddRange(inputs.ContinuousColumns.Select(c => schema[c]));
        if (options.ExampleWeightColumnName is { } wc) needed.Add(schema[wc]);

        using var cursor = data.GetRowCursor(needed);
        var label = LabelReader(cursor, schema[options.LabelColumnName]);
        var wide = options.WideFeatureColumnName is { } wn ? cursor.GetGetter<VBuffer<float>>(schema[wn]) : null;
        var keys = inputs.CategoricalColumns.Select(c => cursor.GetGetter<uint>(schema[c])).ToArray();
        var scalars = inputs.ContinuousColumns.Select((c, i) => inputs.ContinuousWidths[i] == 1 && schema[c].Type is not VectorDataViewType
            ? cursor.GetGetter<float>(schema[c]) : null).ToArray();
        var vectors = inputs.ContinuousColumns.Select((c, i) => scalars[i] == null ? cursor.GetGetter<VBuffer<float>>(schema[c]) : null).ToArray();
        var weight = options.ExampleWeightColumnName is { } wn2 ? cursor.GetGetter<float>(schema[wn2]) : null;

        var rowStart = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        var categorical = new List<int>();
        var continuous = new List<float>();
        var labels = new List<float>();
        var weights = new List<float>();
        int slots = inputs.ContinuousSlots;
        var wideBuffer = default(VBuffer<float>);
        var contBuffer = default(VBuffer<float>);
        var slotValues = new float[slots];
        long row = 0;
        while (cursor.MoveNext())
        {
            row++;
            labels.Add(label(row));
            if (wide != null)
            {
                wide(ref wideBuffer);
                var idx = wideBuffer.GetIndices();
                var val = wideBuffer.GetValues();
                for (int j = 0; j < val.Length; j++)
                {
                    float v = val[j];
                    if (v == 0f) continue;
                    if (!float.IsFinite(v))
                        throw new InvalidDataException($"The wide feature column '{options.WideFeatureColumnName}' holds {v} at row {row}, slot {(wideBuffer.IsDense ? j : idx[j])}; features must be finite.");
                    indices.Add(wideBuffer.IsDense ? j : idx[j]);
                    values.Add(v);
                }
                rowStart.Add(indices.Count);
            }
            foreach (var key in keys)
            {
                uint k = 0;
                key(ref k);
                categorical.Add((int)k);
            }
            int s = 0;
            for (int c = 0; c < scalars.Length; c++)
            {
                if (scalars[c] is { } scalar)
                {
                    float v = 0;
                    scalar(ref v);
                    slotValues[s++] = v;
                }
                else
                {
                    vectors[c]!(ref contBuffer);
                    contBuffer.CopyTo(slotValues.AsSpan(s, inputs.ContinuousWidths[c]));
                    s += inputs.ContinuousWidths[c];
                }
            }
            CheckContinuous(slotValues, inputs, row);
            continuous.AddRange(slotValues);
            float wt = 1f;
            weight?.Invoke(ref wt);
            if (!(wt >= 0f) || float.IsInfinity(wt))
                throw new InvalidDataException($"The example weight column '{options.ExampleWeightColumnName}' holds {wt} at row {row}; weights must be finite and ≥ 0.");
            weights.Add(wt);
        }
        if (row == 0)
            throw new InvalidDataException("The training data has no rows; Wide & Deep needs at least one labelled example.");
        if (wide == null) rowStart.AddRange(Enumerable.Repeat(0, (int)row));
        return new WideAndDeepExamples
        {
            Count = (int)row,
            WideRowStart = rowStart.ToArray(),
            WideIndices = indices.ToArray(),
            WideValues = values.ToArray(),
            Categorical = categorical.ToArray(),
            CategoricalColumns = keys.Length,
            Continuous = continuous.ToArray(),
            ContinuousSlots = slots,
            Labels = labels.ToArray(),
            Weights = weights.ToArray(),
        };
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the column of the first non-finite slot.</summary>
    internal static void CheckContinuous(ReadOnlySpan<float> slots, WideAndDeepInputs inputs, long row)
    {
        for (int s = 0; s < slots.Length; s++)
        {
            if (float.IsFinite(slots[s])) continue;
            int c = 0, start = 0;
            while (start + inputs.ContinuousWidths[c] <= s) start += inputs.ContinuousWidths[c++];
            throw new InvalidDataException(
                $"The continuous column '{inputs.ContinuousColumns[c]}' holds {slots[s]} at row {row}{(inputs.ContinuousWidths[c] > 1 ? $", slot {s - start}" : "")}; " +
                "continuous inputs must be finite. Replace missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
        }
    }

    private static Func<long, float> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        string name = column.Name;
        float Check(double v, long row) => v == 0 || v == 1
            ? (float)v
            : throw new InvalidDataException($"The label column '{name}' holds {v} at row {row}; a numeric label must be 0 or 1.");
        switch (column.Type)
        {
            case BooleanDataViewType:
            {
                var g = cursor.GetGetter<bool>(column);
                return _ => { bool b = false; g(ref b); return b ? 1f : 0f; };
            }
            case KeyDataViewType:
            {
                var g = cursor.GetGetter<uint>(column);
                return row =>
                {
                    uint k = 0;
                    g(ref k);
                    return k is 1 or 2 ? k - 1 : throw new InvalidDataException(
                        $"The key label column '{name}' holds key {k} at row {row}; expected key 1 (negative) or 2 (positive), not missing.");
                };
            }
            case NumberDataViewType n when n == NumberDataViewType.Double:
            {
                var g = cursor.GetGetter<double>(column);
                return row => { double v = 0; g(ref v); return Check(v, row); };
            }
            default:
            {
                var g = cursor.GetGetter<float>(column);
                return row => { float v = 0; g(ref v); return Check(v, row); };
            }
        }
    }
}
