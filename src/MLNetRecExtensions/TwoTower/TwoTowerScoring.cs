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
/// When the item tower has item features, the chain also builds <c>[0, item categorical keys…]</c> and
/// <c>[0, item continuous…]</c> from the row's item feature columns, maps the constant key to the packed
/// <see cref="ItemTowerScorer"/> too, and scores with <c>MLNetRec.TwoTowerScore.v2</c>, which embeds an item the model
/// does not know from those columns (v1 scores such an item 0; models without item features still save with v1).
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
    internal const string ItemCategoricalColumn = Prefix + "icat";
    internal const string ItemContinuousColumn = Prefix + "icont";
    internal const string ItemParametersColumn = Prefix + "iparams";
    private const string ZeroColumn = Prefix + "zero";

    /// <summary>The chain, fitted against <paramref name="schemaSource"/> (only its schema is read).</summary>
    public static ITransformer Build(MLContext ml, IDataView schemaSource, TwoTowerOptions options, UserTowerScorer scorer, ItemTowerScorer? itemScorer)
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
        var itemCats = itemScorer == null ? [] : options.ItemCategoricalColumnNames.Select((c, f) => (Out: Prefix + "ic" + f, In: c)).ToArray();
        keyed.AddRange(itemCats.Select((c, f) => (c.Out, c.In, itemScorer!.CategoricalCounts[f])));
        var itemConts = itemScorer == null ? [] : options.ItemContinuousColumnNames.Select((c, f) => new InputOutputColumnPair(Prefix + "ix" + f, c)).ToArray();
        InputOutputColumnPair[] allConts = [.. conts, .. itemConts];
        var helpers = keyed.Select(k => k.Out).Concat(allConts.Select(c => c.OutputColumnName)).ToArray();

        IEstimator<ITransformer> chain = ml.Transforms.CustomMapping<ConstantKeyMappingFactory.Input, ConstantKeyMappingFactory.Output>(
                ConstantKeyMappingFactory.Map, ConstantKeyMappingFactory.ContractName)
            .Append(ml.Transforms.Conversion.ConvertType(ZeroColumn, ConstantKeyMappingFactory.KeyColumn, DataKind.Single))
            .Append(KeyValues(ml, keyed));
        if (allConts.Length > 0) chain = chain.Append(ml.Transforms.Conversion.ConvertType(allConts, DataKind.Single));
        chain = chain
            .Append(ml.Transforms.Concatenate(HistoryColumn, history != null ? [ZeroColumn, history] : [ZeroColumn]))
            .Append(ml.Transforms.Concatenate(TokenColumn, tokens != null ? [ZeroColumn, tokens] : [ZeroColumn]))
            .Append(ml.Transforms.Concatenate(CategoricalColumn, [ZeroColumn, .. cats.Select(c => c.Out)]))
            .Append(ml.Transforms.Concatenate(ContinuousColumn, [ZeroColumn, .. conts.Select(c => c.OutputColumnName)]))
            .Append(ml.Transforms.Conversion.MapValue(ParametersColumn,
                new[] { new KeyValuePair<uint, string>(0, PackedFloatText.Encode(scorer.Pack())) }, ConstantKeyMappingFactory.KeyColumn));
        string[] dropped = [ConstantKeyMappingFactory.KeyColumn, ZeroColumn, .. helpers, HistoryColumn, TokenColumn, CategoricalColumn, ContinuousColumn, ParametersColumn];
        if (itemScorer == null)
            chain = chain.Append(ml.Transforms.CustomMapping(TwoTowerScoreMappingFactory.CreateMapping(), TwoTowerScoreMappingFactory.ContractName));
        else
        {
            chain = chain
                .Append(ml.Transforms.Concatenate(ItemCategoricalColumn, [ZeroColumn, .. itemCats.Select(c => c.Out)]))
                .Append(ml.Transforms.Concatenate(ItemContinuousColumn, [ZeroColumn, .. itemConts.Select(c => c.OutputColumnName)]))
                .Append(ml.Transforms.Conversion.MapValue(ItemParametersColumn,
                    new[] { new KeyValuePair<uint, string>(0, PackedFloatText.Encode(itemScorer.Pack())) }, ConstantKeyMappingFactory.KeyColumn))
                .Append(ml.Transforms.CustomMapping(TwoTowerScoreV2MappingFactory.CreateMapping(), TwoTowerScoreV2MappingFactory.ContractName));
            dropped = [.. dropped, ItemCategoricalColumn, ItemContinuousColumn, ItemParametersColumn];
        }
        return chain.Append(ml.Transforms.DropColumns(dropped)).Fit(schemaSource);
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
    public class Input
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
            var continuous = FiniteContinuous(input.Continuous, "user");
            output.Score = model.Score(Index(input.User), Index(input.Item), Indices(input.History), Indices(input.Tokens),
                Indices(input.Categorical), continuous);
        };
    }

    /// <summary>0-based index of a raw key value (−1 for key 0 or a non-integer).</summary>
    internal static int Index(float key) => key >= 1f && key < int.MaxValue ? (int)key - 1 : -1;

    /// <summary>The raw continuous slots of a padded vector; throws when one is NaN or infinite.</summary>
    internal static float[] FiniteContinuous(in VBuffer<float> padded, string what)
    {
        var continuous = Dense(padded);
        for (int s = 0; s < continuous.Length; s++)
            if (!float.IsFinite(continuous[s]))
                throw new InvalidDataException($"A scored row holds {continuous[s]} in {what} continuous slot {s}; continuous inputs must be finite. " +
                                               "Replace missing values first (e.g. mlContext.Transforms.ReplaceMissingValues).");
        return continuous;
    }

    internal static int[] Indices(in VBuffer<float> padded)
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

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.TwoTowerScore.v2</c>: <c>MLNetRec.TwoTowerScore.v1</c> plus new
/// items. A row whose item the model does not know (key 0, outside the trained key space, or without training rows)
/// gets the item tower's feature path on the row's item features (<see cref="ItemTowerScorer"/>), dotted with the
/// user's embedding; a known item scores exactly as v1. Never change its meaning: saved models refer to it by name.
/// </summary>
/// <remarks>Each mapping delegate unpacks the models once (<c>PackedModelCache</c>) and is safe on parallel cursors.</remarks>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class TwoTowerScoreV2MappingFactory : CustomMappingFactory<TwoTowerScoreV2MappingFactory.Input, ScoreOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.TwoTowerScore.v2";

    /// <summary>The inputs of v1 plus the item features; key values are raw (1-based, 0 = missing), slot 0 of every vector is padding.</summary>
    public sealed class Input : TwoTowerScoreMappingFactory.Input
    {
        /// <summary>[0, key of each item categorical column…].</summary>
        [ColumnName(TwoTowerScoring.ItemCategoricalColumn)] public VBuffer<float> ItemCategorical { get; set; }
        /// <summary>[0, raw item continuous slots…].</summary>
        [ColumnName(TwoTowerScoring.ItemContinuousColumn)] public VBuffer<float> ItemContinuous { get; set; }
        /// <summary>The packed item tower as Base64 text.</summary>
        [ColumnName(TwoTowerScoring.ItemParametersColumn)] public ReadOnlyMemory<char> ItemParameters { get; set; }
    }

    /// <summary>A new mapping delegate with its own model caches.</summary>
    public static Action<Input, ScoreOutput> CreateMapping()
    {
        var users = new PackedModelCache<UserTowerScorer>(text => UserTowerScorer.Unpack(PackedFloatText.Decode(text.Span, "two-tower")));
        var items = new PackedModelCache<ItemTowerScorer>(text => ItemTowerScorer.Unpack(PackedFloatText.Decode(text.Span, "two-tower item tower")));
        return (input, output) =>
        {
            var model = users.Get(input.Parameters);
            var continuous = TwoTowerScoreMappingFactory.FiniteContinuous(input.Continuous, "user");
            var history = TwoTowerScoreMappingFactory.Indices(input.History);
            var tokens = TwoTowerScoreMappingFactory.Indices(input.Tokens);
            var cats = TwoTowerScoreMappingFactory.Indices(input.Categorical);
            int user = TwoTowerScoreMappingFactory.Index(input.User), item = TwoTowerScoreMappingFactory.Index(input.Item);
            var itemModel = items.Get(input.ItemParameters);
            if (itemModel.IsKnown(item)) { output.Score = model.Score(user, item, history, tokens, cats, continuous); return; }
            var itemRow = new float[model.Dimension];
            itemModel.Embed(TwoTowerScoreMappingFactory.Indices(input.ItemCategorical), TwoTowerScoreMappingFactory.FiniteContinuous(input.ItemContinuous, "item"), itemRow);
            output.Score = model.Score(user, itemRow, history, tokens, cats, continuous);
        };
    }

    /// <inheritdoc />
    public override Action<Input, ScoreOutput> GetMapping() => CreateMapping();
}
