using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Features;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Tests.Ranking;

/// <summary>The TensorFlow tutorial's Wide &amp; Deep features on UCI Adult, as an ML.NET pipeline.</summary>
internal static class AdultPipeline
{
    public static readonly string[] Keys = UciAdult.CategoricalColumns.Select(c => c + "Key").ToArray();

    /// <summary>Keys per categorical column, one-hot of each, three hashed crosses, all one-hots and crosses concatenated into "Wide".</summary>
    public static IEstimator<ITransformer> Features(MLContext ml, int hashBits = 12)
    {
        var cats = UciAdult.CategoricalColumns;
        var crosses = new CrossProductOptions
        {
            HashBits = hashBits,
            Crosses =
            [
                new CrossColumn("EduXOcc", "Education", "Occupation"),
                new CrossColumn("CountryXOcc", "NativeCountry", "Occupation"),
                new CrossColumn("AgeXEduXOcc", "AgeBucket", "Education", "Occupation"),
            ],
        };
        return ml.Transforms.Conversion.MapValueToKey(cats.Select((c, i) => new InputOutputColumnPair(Keys[i], c)).ToArray())
            .Append(ml.Transforms.Categorical.OneHotEncoding(cats.Select(c => new InputOutputColumnPair(c + "Hot", c)).ToArray()))
            .Append(ml.Recommenders().Transforms.CrossProduct(crosses))
            .Append(ml.Transforms.Concatenate("Wide", [.. cats.Select(c => c + "Hot"), "EduXOcc", "CountryXOcc", "AgeXEduXOcc"]));
    }

    public static WideAndDeepOptions Options(WideAndDeepMode mode = WideAndDeepMode.WideAndDeep) => new()
    {
        Mode = mode,
        WideFeatureColumnName = "Wide",
        CategoricalColumnNames = Keys,
        ContinuousColumnNames = UciAdult.ContinuousColumns,
    };
}
