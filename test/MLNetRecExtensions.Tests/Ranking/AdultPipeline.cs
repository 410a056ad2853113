using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Features;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Tests.Ranking;

/// <summary>The TensorFlow tutorial's Wide &amp; Deep features on UCI Adult, as an ML.NET pipeline.</summary>
internal static class AdultPipeline
{
    public static readonly string[] Keys = UciAdult.CategoricalColumns.Select(c => c + "Key").ToArray();
    private static readonly string[] Continuous = UciAdult.ContinuousColumns;

    /// <summary>
    /// Keys per categorical column, one-hot of each, three hashed crosses, equal-frequency bins (≤ 32) of each
    /// continuous column as keys ("…BinKey") and one-hots; all one-hots and crosses concatenated into "Wide".
    /// </summary>
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
            .Append(ml.Transforms.NormalizeBinning(Continuous.Select(c => new InputOutputColumnPair(c + "Bin", c)).ToArray(), maximumBinCount: 32))
            .Append(ml.Transforms.Conversion.MapValueToKey(Continuous.Select(c => new InputOutputColumnPair(c + "BinKey", c + "Bin")).ToArray()))
            .Append(ml.Transforms.Categorical.OneHotEncoding(Continuous.Select(c => new InputOutputColumnPair(c + "BinHot", c + "Bin")).ToArray()))
            .Append(ml.Transforms.Concatenate("Wide",
                [.. cats.Select(c => c + "Hot"), "EduXOcc", "CountryXOcc", "AgeXEduXOcc", .. Continuous.Select(c => c + "BinHot")]));
    }

    public static WideAndDeepOptions Options(WideAndDeepMode mode = WideAndDeepMode.WideAndDeep) => new()
    {
        Mode = mode,
        WideFeatureColumnName = "Wide",
        CategoricalColumnNames = [.. Keys, .. Continuous.Select(c => c + "BinKey")],
        ContinuousColumnNames = Continuous,
        DeepLearningRate = 0.1f,
        FtrlAlpha = 0.5f,
    };
}
