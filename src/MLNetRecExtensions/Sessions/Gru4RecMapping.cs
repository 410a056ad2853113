using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNetRecExtensions.Sessions;

/// <summary>The columns a GRU4Rec model writes (before renaming to the options' names).</summary>
public sealed class Gru4RecMappingOutput
{
    /// <summary>The top-K next items as 1-based item keys, best first.</summary>
    [ColumnName(Gru4RecMappingFactory.ItemsColumn)] public VBuffer<uint> Items { get; set; }
    /// <summary>Their scores, descending.</summary>
    [ColumnName(Gru4RecMappingFactory.ScoresColumn)] public VBuffer<float> Scores { get; set; }
}

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.Gru4Rec.v1</c>: from a session prefix (item keys as Single
/// values, oldest first; 0 and keys above the catalog are unknown and skipped) and the packed model
/// (<see cref="Gru4RecModel"/>'s float layout as Base64 text) it writes the top-K next item keys and their scores
/// (an empty or all-unknown prefix gets the most popular items, scored by their training counts). Never change its
/// meaning: saved models refer to it by name.
/// </summary>
/// <remarks>
/// Each delegate caches the last unpacked model by the identity of the parameter string (the lookup hands every
/// row the same string instance), falling back to comparing the text, so unpacking happens once per model. The cache
/// is an immutable reference swapped atomically and scoring allocates per row: safe on parallel cursors.
/// </remarks>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class Gru4RecMappingFactory : CustomMappingFactory<Gru4RecMappingFactory.Input, Gru4RecMappingOutput>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.Gru4Rec.v1";
    internal const string PrefixColumn = "__mlnetrec_gru_prefix";
    internal const string ParametersColumn = "__mlnetrec_gru_params";
    internal const string ItemsColumn = "__mlnetrec_gru_items";
    internal const string ScoresColumn = "__mlnetrec_gru_scores";

    /// <summary>The mapping's inputs.</summary>
    public sealed class Input
    {
        /// <summary>Item keys of the session so far, as Single values.</summary>
        [ColumnName(PrefixColumn)] public VBuffer<float> Prefix { get; set; }
        /// <summary>The packed model as Base64 text of its little-endian floats.</summary>
        [ColumnName(ParametersColumn)] public ReadOnlyMemory<char> Parameters { get; set; }
    }

    /// <summary>A new mapping delegate with its own model cache.</summary>
    public static Action<Input, Gru4RecMappingOutput> CreateMapping()
    {
        CachedModel? cache = null;
        return (input, output) =>
        {
            var current = Volatile.Read(ref cache);
            if (current == null || !current.Matches(input.Parameters))
            {
                var text = MemoryMarshal.TryGetString(input.Parameters, out var s, out int start, out int length) && start == 0 && length == s.Length
                    ? s : input.Parameters.ToString();
                current = new CachedModel(text, Gru4RecModel.Unpack(Persistence.PackedFloatText.Decode(text, "GRU4Rec")));
                Volatile.Write(ref cache, current);
            }
            var model = current.Model;
            var keys = input.Prefix.DenseValues().ToArray();
            var prefix = new int[keys.Length];
            for (int i = 0; i < keys.Length; i++)
                prefix[i] = keys[i] >= 1 && keys[i] <= model.ItemCount && keys[i] == MathF.Floor(keys[i]) ? (int)keys[i] - 1 : -1;
            var (items, scores) = model.Recommend(prefix, model.TopK);
            var itemKeys = new uint[items.Length];
            for (int i = 0; i < items.Length; i++) itemKeys[i] = (uint)items[i] + 1;
            output.Items = new VBuffer<uint>(itemKeys.Length, itemKeys);
            output.Scores = new VBuffer<float>(scores.Length, scores);
        };
    }

    private sealed record CachedModel(string Text, Gru4RecModel Model)
    {
        public bool Matches(ReadOnlyMemory<char> text) =>
            (MemoryMarshal.TryGetString(text, out var s, out int start, out int length) && ReferenceEquals(s, Text) && start == 0 && length == s.Length)
            || text.Span.SequenceEqual(Text);
    }

    /// <inheritdoc />
    public override Action<Input, Gru4RecMappingOutput> GetMapping() => CreateMapping();
}
