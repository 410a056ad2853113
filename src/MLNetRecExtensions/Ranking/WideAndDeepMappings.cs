using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.ConstantKey.v1</c>: writes the UInt32 value 0 to every row,
/// the lookup key under which a <c>ValueMapping</c> stores a model's packed parameters. Never change its meaning:
/// saved models refer to it by name.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ConstantKeyMappingFactory : CustomMappingFactory<ConstantKeyMappingFactory.Input, ConstantKeyMappingFactory.Output>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.ConstantKey.v1";
    internal const string KeyColumn = "__mlnetrec_wd_key";

    /// <summary>No input columns.</summary>
    public sealed class Input { }

    /// <summary>The constant key.</summary>
    public sealed class Output
    {
        /// <summary>Always 0.</summary>
        [ColumnName(KeyColumn)] public uint Key { get; set; }
    }

    /// <summary>Writes 0.</summary>
    public static void Map(Input input, Output output) => output.Key = 0;

    /// <inheritdoc />
    public override Action<Input, Output> GetMapping() => Map;
}

/// <summary>The binary-classification columns a Wide &amp; Deep model writes.</summary>
public sealed class WideAndDeepOutput
{
    /// <summary>The logit (log-odds of the positive class).</summary>
    public float Score { get; set; }
    /// <summary><c>σ(Score)</c>.</summary>
    public float Probability { get; set; }
    /// <summary><c>Score &gt; 0</c>.</summary>
    public bool PredictedLabel { get; set; }
}

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.WideAndDeep.v1</c>: from the padded wide, categorical and
/// continuous vectors and the packed parameters (see <see cref="WideAndDeepModelParameters"/>) it writes
/// <see cref="WideAndDeepOutput"/>. Never change its meaning: saved models refer to it by name.
/// </summary>
/// <remarks>
/// The parameters travel as text because <c>ValueMapping</c> hands out text values without copying (it copies a
/// vector value into a new array for every row, which for a model of ~30,000 floats cost ~100 µs per row).
/// Each mapping delegate keeps the last unpacked model and reuses it while the parameter text's length and
/// fingerprint prefix match (every row of one model carries the same text), so unpacking happens once, not per row. The cache is
/// an immutable reference swapped atomically, and scoring uses stack buffers only: the delegate is safe on parallel
/// cursors.
/// </remarks>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class WideAndDeepMappingFactory : CustomMappingFactory<WideAndDeepMappingFactory.Input, WideAndDeepOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.WideAndDeep.v1";
    internal const string WideColumn = "__mlnetrec_wd_wide";
    internal const string CategoricalColumn = "__mlnetrec_wd_cat";
    internal const string ContinuousColumn = "__mlnetrec_wd_cont";
    internal const string ParametersColumn = "__mlnetrec_wd_params";

    /// <summary>The mapping's inputs; slot 0 of the first three vectors is padding.</summary>
    public sealed class Input
    {
        /// <summary>[0, wide vector…].</summary>
        [ColumnName(WideColumn)] public VBuffer<float> Wide { get; set; }
        /// <summary>[0, key value of each categorical column…].</summary>
        [ColumnName(CategoricalColumn)] public VBuffer<float> Categorical { get; set; }
        /// <summary>[0, continuous slots…].</summary>
        [ColumnName(ContinuousColumn)] public VBuffer<float> Continuous { get; set; }
        /// <summary>The packed model as Base64 text of its little-endian floats (see <see cref="WideAndDeepScoring.Encode"/>).</summary>
        [ColumnName(ParametersColumn)] public ReadOnlyMemory<char> Parameters { get; set; }
    }

    /// <summary>A new mapping delegate with its own model cache.</summary>
    public static Action<Input, WideAndDeepOutput> CreateMapping()
    {
        var cache = new Persistence.PackedModelCache<WideAndDeepModelParameters>(
            text => WideAndDeepModelParameters.Unpack(WideAndDeepScoring.Decode(text.Span)));
        return (input, output) =>
        {
            var model = cache.Get(input.Parameters);
            float logit = model.Logit(input.Wide, input.Categorical, input.Continuous);
            output.Score = logit;
            output.Probability = logit >= 0 ? 1f / (1f + MathF.Exp(-logit)) : MathF.Exp(logit) / (1f + MathF.Exp(logit));
            output.PredictedLabel = logit > 0;
        };
    }

    /// <inheritdoc />
    public override Action<Input, WideAndDeepOutput> GetMapping() => CreateMapping();
}
