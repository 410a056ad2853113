using System.Buffers.Binary;

namespace MLNetRecExtensions.Persistence;

/// <summary>
/// A packed model (one <c>float[]</c>) as Base64 text of its little-endian bytes: the form in which the portable
/// scorers carry their parameters through a <c>ValueMapping</c>, which hands out text values without copying them.
/// </summary>
internal static class PackedFloatText
{
    /// <summary>The floats as Base64 text of their little-endian bytes.</summary>
    public static string Encode(float[] packed)
    {
        var bytes = new byte[packed.Length * sizeof(float)];
        for (int i = 0; i < packed.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), packed[i]);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Inverse of <see cref="Encode"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not Base64 of whole floats (<paramref name="model"/> names the model in the message).</exception>
    public static float[] Decode(ReadOnlySpan<char> text, string model)
    {
        var bytes = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(text, bytes, out int written) || written % sizeof(float) != 0)
            throw new InvalidDataException($"The {model} parameter column is not Base64 text of packed floats; the model file is damaged.");
        var packed = new float[written / sizeof(float)];
        for (int i = 0; i < packed.Length; i++) packed[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return packed;
    }
}
