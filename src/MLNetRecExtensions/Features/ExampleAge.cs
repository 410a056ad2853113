using Microsoft.ML;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Features;

/// <summary>
/// The YouTube-DNN "example age" (Covington et al. 2016, §3.3): the age of a training example is
/// <c>max training timestamp − timestamp</c>, so a model can learn how popularity moves with time; at serving the age
/// is 0 (the end of the training window), which biases recommendations towards what is fresh.
/// </summary>
internal static class ExampleAge
{
    /// <summary>The example age of every row of <paramref name="data"/> from its numeric column <paramref name="timestampColumn"/>.</summary>
    /// <exception cref="InvalidDataException">A timestamp is NaN or infinite (the row is named).</exception>
    public static float[] FromTimestamps(IDataView data, string timestampColumn)
    {
        var column = data.Schema[timestampColumn];
        var times = new List<double>();
        using (var cursor = data.GetRowCursor([column]))
        {
            var get = SchemaChecks.NumericGetter(cursor, column);
            while (cursor.MoveNext())
            {
                double t = get();
                if (!double.IsFinite(t))
                    throw new InvalidDataException($"Row {times.Count}: the timestamp column '{timestampColumn}' holds {t}; timestamps must be finite.");
                times.Add(t);
            }
        }
        double max = times.Count == 0 ? 0 : times.Max();
        return times.Select(t => (float)(max - t)).ToArray();
    }
}
