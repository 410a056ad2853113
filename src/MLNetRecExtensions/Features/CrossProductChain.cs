using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNetRecExtensions.Features;

/// <summary>
/// Builds the chain of built-in transforms that computes the crosses, so the fitted model saves and loads with
/// <c>mlContext.Model.Save/Load</c> by construction. Per cross:
/// <list type="number">
/// <item>every input becomes text (see <see cref="CategorySource"/>): numbers by <c>ConvertType</c>, keys by
/// <c>MapKeyToValue</c>, keys without KeyValues by a 31-bit <c>Hash</c> and the contract
/// <see cref="KeyNumberTextMappingFactory.ContractName"/>;</item>
/// <item>all scalar: the texts are concatenated into a vector and hashed with the built-in <c>Hash</c> in
/// <c>combine</c> mode (MurmurHash3 chained over the elements in order; any missing element gives key 0);</item>
/// <item>with a vector input: the texts are joined pairwise into their cartesian product by the contract
/// <see cref="CrossJoinMappingFactory.ContractName"/>, and every joined string is hashed by the built-in <c>Hash</c>;</item>
/// <item>the key becomes an indicator with <c>MapKeyToVector</c> (a count vector for vector crosses).</item>
/// </list>
/// All temporary columns are dropped at the end.
/// </summary>
internal static class CrossProductChain
{
    private const string TempPrefix = "__mlnetrec_cross";

    public static IEstimator<ITransformer> Build(MLContext ml, CrossProductOptions options, IReadOnlyList<IReadOnlyList<CrossInput>> inputs)
    {
        var steps = new List<IEstimator<ITransformer>>();
        var temps = new List<string>();
        for (int c = 0; c < inputs.Count; c++)
            AddCross(ml, options, options.Crosses[c], inputs[c], c, steps, temps);
        // DropColumns rejects absent columns, so only the temporaries actually written are listed (once each).
        steps.Add(ml.Transforms.DropColumns(temps.Distinct().ToArray()));

        var chain = new EstimatorChain<ITransformer>();
        foreach (var step in steps) chain = chain.Append(step);
        return chain;
    }

    private static void AddCross(MLContext ml, CrossProductOptions options, CrossColumn cross, IReadOnlyList<CrossInput> inputs,
        int c, List<IEstimator<ITransformer>> steps, List<string> temps)
    {
        string Temp(string what) { var name = $"{TempPrefix}{c}_{what}"; temps.Add(name); return name; }

        var texts = inputs.Select((input, i) => AddText(ml, options, input, i, Temp, steps, temps)).ToArray();
        bool isVector = inputs.Any(i => i.IsVector);
        string keyColumn = options.OutputKind == CrossOutputKind.Indicator ? Temp("key") : cross.OutputColumnName;
        if (!isVector)
        {
            var joined = Temp("values");
            steps.Add(ml.Transforms.Concatenate(joined, texts));
            steps.Add(ml.Transforms.Conversion.Hash(new HashingEstimator.ColumnOptions(
                keyColumn, joined, options.HashBits, options.Seed, useOrderedHashing: false, maximumNumberOfInverts: 0, combine: true)));
        }
        else
        {
            temps.AddRange([CrossJoinMappingFactory.LeftColumn, CrossJoinMappingFactory.RightColumn, CrossJoinMappingFactory.JoinedColumn]);
            string product = texts[0];
            for (int i = 1; i < texts.Length; i++)
            {
                steps.Add(AsVector(ml, CrossJoinMappingFactory.LeftColumn, product, i == 1 && !inputs[0].IsVector));
                steps.Add(AsVector(ml, CrossJoinMappingFactory.RightColumn, texts[i], !inputs[i].IsVector));
                steps.Add(ml.Transforms.CustomMapping<CrossJoinMappingFactory.Input, CrossJoinMappingFactory.Output>(
                    CrossJoinMappingFactory.Map, CrossJoinMappingFactory.ContractName));
                product = Temp($"product{i}");
                steps.Add(ml.Transforms.CopyColumns(product, CrossJoinMappingFactory.JoinedColumn));
            }
            steps.Add(ml.Transforms.Conversion.Hash(new HashingEstimator.ColumnOptions(
                keyColumn, product, options.HashBits, options.Seed, useOrderedHashing: false, maximumNumberOfInverts: 0, combine: false)));
        }

        if (options.OutputKind != CrossOutputKind.Key)
        {
            var indicator = options.OutputKind == CrossOutputKind.Both
                ? cross.OutputColumnName + options.IndicatorSuffix
                : cross.OutputColumnName;
            steps.Add(ml.Transforms.Conversion.MapKeyToVector(indicator, keyColumn, outputCountVector: isVector));
        }
    }

    // A scalar becomes a one-element vector; a vector is copied.
    private static IEstimator<ITransformer> AsVector(MLContext ml, string output, string input, bool isScalar) =>
        isScalar ? ml.Transforms.Concatenate(output, input) : ml.Transforms.CopyColumns(output, input);

    // Returns the column holding the input's category text, adding the steps that compute it.
    private static string AddText(MLContext ml, CrossProductOptions options, CrossInput input, int i,
        Func<string, string> temp, List<IEstimator<ITransformer>> steps, List<string> temps)
    {
        switch (input.Source)
        {
            case CategorySource.Text:
                return input.Name;
            case CategorySource.Number:
            {
                var text = temp($"text{i}");
                steps.Add(ml.Transforms.Conversion.ConvertType(text, input.Name, DataKind.String));
                return text;
            }
            case CategorySource.KeyTextValues:
            {
                var text = temp($"text{i}");
                steps.Add(ml.Transforms.Conversion.MapKeyToValue(text, input.Name));
                return text;
            }
            case CategorySource.KeyNumericValues:
            {
                var value = temp($"value{i}");
                var text = temp($"text{i}");
                steps.Add(ml.Transforms.Conversion.MapKeyToValue(value, input.Name));
                steps.Add(ml.Transforms.Conversion.ConvertType(text, value, DataKind.String));
                return text;
            }
            case CategorySource.KeyNumber:
            {
                var text = temp($"text{i}");
                temps.AddRange([KeyNumberTextMappingFactory.KeyColumn, KeyNumberTextMappingFactory.TextColumn]);
                steps.Add(ml.Transforms.Conversion.Hash(new HashingEstimator.ColumnOptions(KeyNumberTextMappingFactory.KeyColumn,
                    input.Name, KeyNumberTextMappingFactory.KeyBits, options.Seed, useOrderedHashing: false, maximumNumberOfInverts: 0)));
                steps.Add(ml.Transforms.CustomMapping<KeyNumberTextMappingFactory.Input, KeyNumberTextMappingFactory.Output>(
                    KeyNumberTextMappingFactory.Map, KeyNumberTextMappingFactory.ContractName));
                steps.Add(ml.Transforms.CopyColumns(text, KeyNumberTextMappingFactory.TextColumn));
                return text;
            }
            default:
                throw new InvalidOperationException($"Unknown category source {input.Source}.");
        }
    }
}
