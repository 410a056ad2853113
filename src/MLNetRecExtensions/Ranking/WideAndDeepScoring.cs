using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Builds the portable scoring chain of a Wide &amp; Deep model from built-in transforms and two stateless contracts:
/// <list type="number">
/// <item><c>MLNetRec.ConstantKey.v1</c> adds a UInt32 column holding 0 (and <c>ConvertType</c> a Single 0);</item>
/// <item>a <c>ValueMapping</c> per categorical column turns key k into the Single k (k ≤ the trained count; other keys give 0, the unknown row), and <c>Concatenate</c> builds the
/// three padded inputs <c>[0, wide…]</c>, <c>[0, keys…]</c>, <c>[0, continuous…]</c> (the padding makes the chain
/// uniform when a part has no columns);</item>
/// <item><c>ValueMapping</c> maps the constant key to the packed parameters (<see cref="WideAndDeepModelParameters"/>)
/// as Base64 text of their little-endian bytes (<see cref="Encode"/>);</item>
/// <item><c>MLNetRec.WideAndDeep.v1</c> writes <c>Score</c>, <c>Probability</c>, <c>PredictedLabel</c>;</item>
/// <item><c>DropColumns</c> removes the helper columns.</item>
/// </list>
/// The typed transformer scores through this very chain, so scores before and after <c>mlContext.Model.Save/Load</c>
/// are identical by construction.
/// </summary>
internal static class WideAndDeepScoring
{
    private const string ZeroColumn = "__mlnetrec_wd_zero";
    private const string KeyValuePrefix = "__mlnetrec_wd_keyvalue_";

    /// <summary>The packed floats as Base64 text of their little-endian bytes.</summary>
    public static string Encode(float[] packed) => Persistence.PackedFloatText.Encode(packed);

    /// <summary>Inverse of <see cref="Encode"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not Base64 of whole floats.</exception>
    public static float[] Decode(ReadOnlySpan<char> text) => Persistence.PackedFloatText.Decode(text, "Wide & Deep");

    /// <summary>
    /// The chain's estimator for a model packed into <paramref name="packed"/> whose categorical column c has
    /// <c>keyCounts[c]</c> keys (nothing in it trains).
    /// </summary>
    public static IEstimator<ITransformer> Build(MLContext ml, WideAndDeepOptions options, IReadOnlyList<int> keyCounts, float[] packed)
    {
        var categorical = options.CategoricalColumnNames.ToArray();
        var keyValues = categorical.Select((_, c) => KeyValuePrefix + c).ToArray();
        IEstimator<ITransformer> chain = ml.Transforms.CustomMapping<ConstantKeyMappingFactory.Input, ConstantKeyMappingFactory.Output>(
                ConstantKeyMappingFactory.Map, ConstantKeyMappingFactory.ContractName)
            .Append(ml.Transforms.Conversion.ConvertType(ZeroColumn, ConstantKeyMappingFactory.KeyColumn, DataKind.Single));
        for (int c = 0; c < categorical.Length; c++)
        {
            int count = keyCounts[c];
            chain = chain.Append(ml.Transforms.Conversion.MapValue(keyValues[c],
                Enumerable.Range(0, count + 1).Select(k => new KeyValuePair<uint, float>((uint)k, k)), categorical[c]));
        }
        var wide = options.WideFeatureColumnName is { } w ? new[] { ZeroColumn, w } : [ZeroColumn];
        chain = chain
            .Append(ml.Transforms.Concatenate(WideAndDeepMappingFactory.WideColumn, wide))
            .Append(ml.Transforms.Concatenate(WideAndDeepMappingFactory.CategoricalColumn, [ZeroColumn, .. keyValues]))
            .Append(ml.Transforms.Concatenate(WideAndDeepMappingFactory.ContinuousColumn, [ZeroColumn, .. options.ContinuousColumnNames]))
            .Append(ml.Transforms.Conversion.MapValue(WideAndDeepMappingFactory.ParametersColumn,
                new[] { new KeyValuePair<uint, string>(0, Encode(packed)) }, ConstantKeyMappingFactory.KeyColumn))
            .Append(ml.Transforms.CustomMapping(WideAndDeepMappingFactory.CreateMapping(), WideAndDeepMappingFactory.ContractName))
            .Append(ml.Transforms.DropColumns([ConstantKeyMappingFactory.KeyColumn, ZeroColumn, .. keyValues,
                WideAndDeepMappingFactory.WideColumn, WideAndDeepMappingFactory.CategoricalColumn,
                WideAndDeepMappingFactory.ContinuousColumn, WideAndDeepMappingFactory.ParametersColumn]));
        return chain;
    }
}
