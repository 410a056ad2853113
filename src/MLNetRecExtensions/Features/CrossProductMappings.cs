using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNetRecExtensions.Features;

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.CrossJoin.v1</c>, used by crosses with a vector-valued input:
/// the cartesian product of two text vectors, each pair (l, r) of non-empty elements joined into one string, without
/// duplicates, in left-major order. Never change its meaning: saved models refer to it by name.
/// </summary>
/// <remarks>
/// The join is <c>J(l, r) = len(l) + ":" + l + r</c>, which is injective (the length prefix says where <c>l</c>
/// ends), so nested joins J(J(a, b), c) of any strings never collide before hashing, whatever characters the
/// values contain. Empty elements are missing values and take part in no pair.
/// </remarks>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class CrossJoinMappingFactory : CustomMappingFactory<CrossJoinMappingFactory.Input, CrossJoinMappingFactory.Output>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.CrossJoin.v1";
    internal const string LeftColumn = "__mlnetrec_cross_left";
    internal const string RightColumn = "__mlnetrec_cross_right";
    internal const string JoinedColumn = "__mlnetrec_cross_joined";

    /// <summary>Input: the two text vectors to cross (fixed or variable length).</summary>
    public sealed class Input
    {
        /// <summary>Left values.</summary>
        [ColumnName(LeftColumn)] public string[] Left { get; set; } = [];
        /// <summary>Right values.</summary>
        [ColumnName(RightColumn)] public string[] Right { get; set; } = [];
    }

    /// <summary>Output: the joined pairs, a variable-length text vector.</summary>
    public sealed class Output
    {
        /// <summary>Distinct joins of every non-empty (left, right) pair.</summary>
        [ColumnName(JoinedColumn)] public string[] Joined { get; set; } = [];
    }

    /// <summary>The injective join of one pair.</summary>
    public static string Join(string left, string right) =>
        string.Concat(left.Length.ToString(CultureInfo.InvariantCulture), ":", left, right);

    /// <summary>Computes the product of <paramref name="input"/> into <paramref name="output"/>.</summary>
    public static void Map(Input input, Output output)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var joined = new List<string>(input.Left.Length * input.Right.Length);
        foreach (var l in input.Left)
        {
            if (string.IsNullOrEmpty(l)) continue;
            foreach (var r in input.Right)
            {
                if (string.IsNullOrEmpty(r)) continue;
                var j = Join(l, r);
                if (seen.Add(j)) joined.Add(j);
            }
        }
        output.Joined = joined.ToArray();
    }

    /// <inheritdoc />
    public override Action<Input, Output> GetMapping() => Map;
}

/// <summary>
/// Stateless mapping behind the contract <c>MLNetRec.KeyNumberText.v1</c>, used for key columns without KeyValues:
/// writes the decimal text of a <c>Key&lt;UInt32, 2^31&gt;</c> (the seeded hash of the key number), or empty text for
/// key 0 (missing). Never change its meaning: saved models refer to it by name.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class KeyNumberTextMappingFactory : CustomMappingFactory<KeyNumberTextMappingFactory.Input, KeyNumberTextMappingFactory.Output>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "MLNetRec.KeyNumberText.v1";
    internal const string KeyColumn = "__mlnetrec_cross_key";
    internal const string TextColumn = "__mlnetrec_cross_keytext";
    internal const int KeyBits = 31;

    /// <summary>Input: the hashed key.</summary>
    public sealed class Input
    {
        /// <summary>Key in 1..2^31, 0 = missing.</summary>
        [ColumnName(KeyColumn), KeyType(1UL << KeyBits)] public uint Key { get; set; }
    }

    /// <summary>Output: the key's text.</summary>
    public sealed class Output
    {
        /// <summary>Decimal text of the key, empty when it is missing.</summary>
        [ColumnName(TextColumn)] public string Text { get; set; } = "";
    }

    /// <summary>Writes the text of <paramref name="input"/>'s key.</summary>
    public static void Map(Input input, Output output) =>
        output.Text = input.Key == 0 ? "" : input.Key.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override Action<Input, Output> GetMapping() => Map;
}
