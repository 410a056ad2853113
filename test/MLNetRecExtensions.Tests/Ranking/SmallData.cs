using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Tests.Ranking;

/// <summary>
/// A small synthetic click set with known structure: the label is true exactly when
/// <c>2·Wide[0] − Wide[1] + (Color == "red" ? 1 : −1) + Size &gt; 0.5</c> (plus rare flips), so a model that uses
/// every input separates it well.
/// </summary>
internal static class SmallData
{
    public sealed record Row
    {
        [VectorType(3)] public float[] Wide { get; init; } = [];
        public string Color { get; init; } = "";
        public float Size { get; init; }
        public float Weight { get; init; } = 1;
        public bool Label { get; init; }
    }

    public static Row[] Rows(int count, int seed)
    {
        var rng = new Random(seed);
        string[] colors = ["red", "blue", "green"];
        return Enumerable.Range(0, count).Select(_ =>
        {
            float w0 = rng.Next(2), w1 = rng.Next(2), size = (float)(rng.NextDouble() * 2 - 1);
            var color = colors[rng.Next(2)]; // green never occurs in training rows
            bool label = 2 * w0 - w1 + (color == "red" ? 1 : -1) + size > 0.5;
            if (rng.NextDouble() < 0.03) label = !label;
            return new Row { Wide = [w0, w1, 1f], Color = color, Size = size, Label = label };
        }).ToArray();
    }

    public static IEstimator<ITransformer> Keys(MLContext ml) => ml.Transforms.Conversion.MapValueToKey("ColorKey", "Color");

    public static WideAndDeepOptions Options(Action<WideAndDeepOptions>? change = null)
    {
        var o = new WideAndDeepOptions
        {
            WideFeatureColumnName = "Wide",
            CategoricalColumnNames = ["ColorKey"],
            ContinuousColumnNames = ["Size"],
            EmbeddingDimension = 4,
            HiddenLayers = [8, 4],
            NumberOfEpochs = 20,
            BatchSize = 16,
            DeepLearningRate = 0.1f,
            FtrlAlpha = 0.5f,
            Seed = 3,
        };
        change?.Invoke(o);
        return o;
    }

    /// <summary>Keys fitted on <paramref name="rows"/>, the model trained on them; returns the keyed data too.</summary>
    public static (ITransformer Keys, WideAndDeepTransformer Model, IDataView Keyed) Fit(MLContext ml, Row[] rows, WideAndDeepOptions options)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var keys = Keys(ml).Fit(data);
        var keyed = keys.Transform(data);
        return (keys, ml.Recommenders().Trainers.WideAndDeep(options).Fit(keyed), keyed);
    }
}
