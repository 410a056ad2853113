using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNetRecExtensions.Persistence;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// Builds the portable scoring chain of a two-tower model from built-in transforms and two stateless contracts, so
/// that a model reloaded with <c>mlContext.Model.Load</c> still scores NEW users from their feature columns:
/// <list type="number">
/// <item><c>MLNetRec.ConstantKey.v1</c> adds a UInt32 0 (and <c>ConvertType</c> a Single 0, the padding slot);</item>
/// <item><c>ConvertType</c> turns the user and item keys, the history and token key vectors, the categorical keys and
/// the continuous columns into Single values (a key becomes its raw value, 0 = missing), and <c>Concatenate</c> builds the
/// padded vectors <c>[0, history keys…]</c>, <c>[0, token keys…]</c>, <c>[0, categorical keys…]</c>, <c>[0, continuous…]</c>;</item>
/// <item>a <c>ValueMapping</c> maps the constant key to the packed <see cref="UserTowerScorer"/> as Base64 text;</item>
/// <item><c>MLNetRec.TwoTowerScore.v1</c> writes <c>Score</c>: a known user's trained embedding, or the user tower on
/// the row's inputs, dotted with the item's embedding;</item>
/// <item><c>DropColumns</c> removes the helper columns.</item>
/// </list>
/// The typed transformer scores through this very chain and computes new users' embeddings with the same scorer, so
/// scores before and after saving — in a fresh process too — are bit-identical.
/// </summary>
internal static class TwoTowerScoring
{
    internal const string Prefix = "__mlnetrec_tt_";
    internal const string UserColumn = Prefix + "user";
    internal const string ItemColumn = Prefix + "item";
    internal const string HistoryColumn = Prefix + "history";
    internal const string TokenColumn = Prefix + "tokens";
    internal const string CategoricalColumn = Prefix + "cat";
    internal const string ContinuousColumn = Prefix + "cont";
    internal const string ParametersColumn = Prefix + "params";
    private const string ZeroColumn = Prefix + "zero";

    /// <summary>The chain, fitted against <paramref name="schemaSource"/> (only its schema is read).</summary>
    public static ITransformer Build(MLContext ml, IDataView schemaSource, TwoTowerOptions options, UserTowerScorer scorer)
    {
        // Keys become their raw value as a Single through a ValueMapping (ConvertType has no key → Single): key k ↦ k for
        // k ≤ the trained count, other keys ↦ 0 (missing). A vector of keys maps element by element.
        var keyed = new List<(string Out, string In, int Count)>
        {
            (UserColumn, options.UserColumnName, scorer.UserCount),
            (ItemColumn, options.ItemColumnName, scorer.ItemCount),
        };
        string? history = options.HistoryColumnName is { } h ? Prefix + "h" : null;
        string? tokens = options.TokenColumnName is { } t ? Prefix + "t" : null;
        if (history != null) keyed.Add((history, options.HistoryColumnName!, scorer.ItemCount));
        if (tokens != null) keyed.Add((tokens, options.TokenColumnName!, scorer.TokenCount));
        var cats = options.CategoricalColumnNames.Select((c, f) => (Out: Prefix + "c" + f, In: c)).ToArray();
        keyed.AddRange(cats.Select((c, f) => (c.Out, c.In, scorer.CategoricalCounts[f])));
        var conts = options.ContinuousColumnNames.Select((c, f) => new InputOutputColumnPair(Prefix + "x" + f, c)).ToArray();
        var helpers = keyed.Select(k => k.Out).Concat(conts.Select(c => c.OutputColumnName)).ToArray();

        IEstimator<ITransformer> chain = ml.Transforms.CustomMapping<ConstantKeyMappingFactory.Input, ConstantKeyMappingFactory.Output>(
                ConstantKeyMappingFactory.Map, ConstantKeyMappingFactory.ContractName)
            .Append(ml.Transforms.Conversion.ConvertType(ZeroColumn, ConstantKeyMappingFactory.KeyColumn, DataKind.Single))
            .Append(KeyValues(ml, keyed));
        if (conts.Length > 0) chain = chain.Append(ml.Transforms.Conversion.ConvertType(conts, DataKind.Single));
        chain = chain
            .Append(ml.Transforms.Concatenate(HistoryColumn, history != null ? [ZeroColumn, history] : [ZeroColumn]))
            .Append(ml.Transforms.Concatenate(TokenColumn, tokens != null ? [ZeroColumn, tokens] : [ZeroColumn]))
            .Append(ml.Transforms.Concatenate(CategoricalColumn, [ZeroColumn, .. cats.Select(c => c.Out)]))
            .Append(ml.Transforms.Concatenate(ContinuousColumn, [ZeroColumn, .. conts.Select(c => c.OutputColumnName)]))
            .Append(ml.Transforms.Conversion.MapValue(ParametersColumn,
                new[] { new KeyValuePair<uint, string>(0, PackedFloatText.Encode(scorer.Pack())) }, ConstantKeyMappingFactory.KeyColumn))
            .Append(ml.Transforms.CustomMapping(TwoTowerScoreMappingFactory.CreateMapping(), TwoTowerScoreMappingFactory.ContractName))
            .Append(ml.Transforms.DropColumns([ConstantKeyMappingFactory.KeyColumn, ZeroColumn, .. helpers,
                HistoryColumn, TokenColumn, CategoricalColumn, ContinuousColumn, ParametersColumn]));
        return chain.Fit(schemaSource);
    }

    private static IEstimator<ITransformer> KeyValues(MLContext ml, List<(string Out, string In, int Count)> keyed)
    {
        IEstimator<ITransformer>? chain = null;
        foreach (var (output, input, count) in keyed)
        {
            var map = ml.Transforms.Conversion.MapValue(output,
                Enumerable.Range(0, count + 1).Select(k => new KeyValuePair<uint, float>((uint)k, k)), input);
            chain = chain == null ? map : chain.Append(map);
        }
        return chain!;
    }
}

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.TwoTowerScore.v1</c>: from the padded Single inputs built by
/// the two-tower scoring chain and the packed user tower it writes <c>Score</c> (see the two-tower transformer).
/// Never change its meaning: saved models refer to it by name.
/// </summary>
/// <remarks>Each mapping delegate unpacks the model once (<c>PackedModelCache</c>) and is safe on parallel cursors.</remarks>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class TwoTowerScoreMappingFactory : CustomMappingFactory<TwoTowerScoreMappingFactory.Input, ScoreOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.TwoTowerScore.v1";

    /// <summary>The mapping's inputs; key values are raw (1-based, 0 = missing) and slot 0 of every vector is padding.</summary>
    public sealed class Input
    {
        /// <summary>User key value.</summary>
        [ColumnName(TwoTowerScoring.UserColumn)] public float User { get; set; }
        /// <summary>Item key value.</summary>
        [ColumnName(TwoTowerScoring.ItemColumn)] public float Item { get; set; }
        /// <summary>[0, history item keys…].</summary>
        [ColumnName(TwoTowerScoring.HistoryColumn)] public VBuffer<float> History { get; set; }
        /// <summary>[0, token keys…].</summary>
        [ColumnName(TwoTowerScoring.TokenColumn)] public VBuffer<float> Tokens { get; set; }
        /// <summary>[0, key of each categorical column…].</summary>
        [ColumnName(TwoTowerScoring.CategoricalColumn)] public VBuffer<float> Categorical { get; set; }
        /// <summary>[0, raw continuous slots…].</summary>
        [ColumnName(TwoTowerScoring.ContinuousColumn)] public VBuffer<float> Continuous { get; set; }
        /// <summary>The packed user tower as Base64 text.</summary>
        [ColumnName(TwoTowerScoring.ParametersColumn)] public ReadOnlyMemory<char> Parameters { get; set; }
    }

    /// <summary>A new mapping delegate with its own model cache.</summary>
    public static Action<Input, ScoreOutput> CreateMapping()
    {
        var cache = new PackedModelCache<UserTowerScorer>(text => UserTowerScorer.Unpack(PackedFloatText.Decode(text.Span, "two-tower")));
        return (input, output) =>
        {
            var model = cache.Get(input.Parameters);
            var continuous = Dense(input.Continuous);
            for (int s = 0; s < continuous.Length; s++)
                if (!float.IsFinite(continuous[s]))
                    throw new InvalidDataException($"A scored row holds {continuous[s]} in continuous slot {s}; continuous inputs must be finite. " +
                                                   "Replace missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
            output.Score = model.Score(Index(input.User), Index(input.Item), Indices(input.History), Indices(input.Tokens),
                Indices(input.Categorical), continuous);
        };
    }

    /// <summary>0-based index of a raw key value (−1 for key 0 or a non-integer).</summary>
    internal static int Index(float key) => key >= 1f && key < int.MaxValue ? (int)key - 1 : -1;

    private static int[] Indices(in VBuffer<float> padded)
    {
        var dense = Dense(padded);
        var ids = new int[dense.Length];
        for (int j = 0; j < ids.Length; j++) ids[j] = Index(dense[j]);
        return ids;
    }

    private static float[] Dense(in VBuffer<float> padded)
    {
        var all = new float[Math.Max(0, padded.Length - 1)];
        int j = 0;
        foreach (float v in padded.DenseValues()) { if (j > 0) all[j - 1] = v; j++; }
        return all;
    }

    /// <inheritdoc />
    public override Action<Input, ScoreOutput> GetMapping() => CreateMapping();
}
