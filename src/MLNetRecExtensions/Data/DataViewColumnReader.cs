using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Data;

/// <summary>Reads whole columns of an <see cref="IDataView"/> for the splitters (row order = cursor order).</summary>
internal static class DataViewColumnReader
{
    /// <summary>Number of rows, from <see cref="IDataView.GetRowCount"/> or by counting with no active column.</summary>
    public static int CountRows(IDataView data)
    {
        if (data.GetRowCount() is long known) return checked((int)known);
        int count = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) count++;
        return count;
    }

    /// <summary>
    /// A 0-based group index per row. A <c>UInt32</c> key column gives key − 1 (group count = key cardinality, key 0
    /// rejected); numeric and text columns give indices in order of first appearance.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of an unsupported type.</exception>
    /// <exception cref="InvalidDataException">A key column holds the missing key 0.</exception>
    public static (int[] Groups, int GroupCount) ReadGroups(IDataView data, string column, string role = "user")
    {
        var col = SchemaChecks.RequireColumn(data.Schema, column, role);
        var groups = new List<int>();
        using var cursor = data.GetRowCursor([col]);
        if (col.Type is KeyDataViewType key && key.RawType == typeof(uint) && key.Count is > 0 and <= int.MaxValue)
        {
            var get = cursor.GetGetter<uint>(col);
            uint v = 0;
            while (cursor.MoveNext())
            {
                get(ref v);
                if (v == 0) throw new InvalidDataException($"Row {groups.Count}: the {role} column '{column}' holds the missing key 0; filter out or map unknown {role}s before splitting.");
                groups.Add((int)v - 1);
            }
            return (groups.ToArray(), (int)key.Count);
        }
        if (col.Type is TextDataViewType)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(col);
            ReadOnlyMemory<char> v = default;
            while (cursor.MoveNext())
            {
                get(ref v);
                if (!lookup.TryGetValue(v.Span, out int g)) { g = index.Count; index.Add(v.ToString(), g); }
                groups.Add(g);
            }
            return (groups.ToArray(), Math.Max(index.Count, 1));
        }
        if (SchemaChecks.IsNumeric(col.Type))
        {
            var index = new Dictionary<double, int>();
            var get = SchemaChecks.NumericGetter(cursor, col);
            while (cursor.MoveNext())
            {
                double v = get();
                if (!index.TryGetValue(v, out int g)) { g = index.Count; index.Add(v, g); }
                groups.Add(g);
            }
            return (groups.ToArray(), Math.Max(index.Count, 1));
        }
        throw new ArgumentOutOfRangeException(role,
            $"The {role} column '{column}' should be a UInt32 key, numeric or text column, but is {col.Type}.");
    }

    /// <summary>The timestamp of every row as seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not numeric.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite.</exception>
    public static double[] ReadTimes(IDataView data, string column)
    {
        var col = SchemaChecks.RequireNumericColumn(data.Schema, column, "timestamp");
        var times = new List<double>();
        using var cursor = data.GetRowCursor([col]);
        var get = SchemaChecks.NumericGetter(cursor, col);
        while (cursor.MoveNext())
        {
            double t = get();
            if (!double.IsFinite(t)) throw new InvalidDataException($"Row {times.Count}: the timestamp column '{column}' holds {t}; timestamps must be finite.");
            times.Add(t);
        }
        return times.ToArray();
    }
}
