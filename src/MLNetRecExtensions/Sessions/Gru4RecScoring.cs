using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The portable scoring chain of a GRU4Rec model, built-in transforms plus two stateless contracts:
/// <c>MLNetRec.ConstantKey.v1</c> (a UInt32 0 per row), <c>ConvertType</c> of the prefix keys to Single,
/// <c>ValueMapping</c> of the constant key to the packed model (Base64 text), <c>MLNetRec.Gru4Rec.v1</c>
/// (top-K items and scores), <c>CopyColumns</c> to the options' output names and <c>DropColumns</c> of the helpers.
/// The typed transformer scores through this very chain, so output before and after <c>mlContext.Model.Save/Load</c>
/// is identical by construction.
/// </summary>
internal static class Gru4RecScoring
{
    public static IEstimator<ITransformer> Build(MLContext ml, Gru4RecOptions options, float[] packed) =>
        ml.Transforms.CustomMapping<ConstantKeyMappingFactory.Input, ConstantKeyMappingFactory.Output>(
                ConstantKeyMappingFactory.Map, ConstantKeyMappingFactory.ContractName)
            .Append(ml.Transforms.Conversion.ConvertType(Gru4RecMappingFactory.PrefixColumn, options.PrefixColumnName, DataKind.Single))
            .Append(ml.Transforms.Conversion.MapValue(Gru4RecMappingFactory.ParametersColumn,
                new[] { new KeyValuePair<uint, string>(0, Persistence.PackedFloatText.Encode(packed)) }, ConstantKeyMappingFactory.KeyColumn))
            .Append(ml.Transforms.CustomMapping(Gru4RecMappingFactory.CreateMapping(), Gru4RecMappingFactory.ContractName))
            .Append(ml.Transforms.CopyColumns(options.PredictedItemsColumnName, Gru4RecMappingFactory.ItemsColumn))
            .Append(ml.Transforms.CopyColumns(options.ScoresColumnName, Gru4RecMappingFactory.ScoresColumn))
            .Append(ml.Transforms.DropColumns(ConstantKeyMappingFactory.KeyColumn, Gru4RecMappingFactory.PrefixColumn,
                Gru4RecMappingFactory.ParametersColumn, Gru4RecMappingFactory.ItemsColumn, Gru4RecMappingFactory.ScoresColumn));

    /// <summary>A one-row view with an empty UInt32 prefix vector, to fit the (trainless) chain on.</summary>
    public static IDataView PrefixSchemaView(MLContext ml, string prefixColumn)
    {
        var schema = SchemaDefinition.Create(typeof(PrefixRow));
        schema[0].ColumnName = prefixColumn;
        return ml.Data.LoadFromEnumerable(new[] { new PrefixRow { Prefix = [] } }, schema);
    }

    private sealed class PrefixRow
    {
        [VectorType] public uint[] Prefix { get; set; } = [];
    }
}
