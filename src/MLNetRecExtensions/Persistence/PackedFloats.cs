namespace MLNetRecExtensions.Persistence;

/// <summary>
/// Writes a model as one <c>float[]</c>: <c>[magic, format version, fingerprint a, b, c, body…]</c>. Integers travel
/// as two floats (low and high 16 bits, exact in a float); the fingerprint is a 63-bit FNV-1a hash of the body in
/// three 21-bit chunks, by which scorers recognise a model they have already unpacked.
/// </summary>
internal sealed class PackedFloatWriter
{
    private readonly List<float> _body = [];

    public void Int(int value)
    {
        _body.Add(value & 0xFFFF);
        _body.Add((value >> 16) & 0xFFFF);
    }

    public void Bool(bool value) => Int(value ? 1 : 0);

    /// <summary>A length, then one float per UTF-16 unit.</summary>
    public void Name(string value)
    {
        Int(value.Length);
        foreach (char ch in value) _body.Add(ch);
    }

    public void Floats(ReadOnlySpan<float> values)
    {
        foreach (float v in values) _body.Add(v);
    }

    /// <summary>A length, then the values.</summary>
    public void Array(ReadOnlySpan<float> values)
    {
        Int(values.Length);
        Floats(values);
    }

    public float[] ToArray(int magic, int version)
    {
        var packed = new float[PackedFloatReader.HeaderLength + _body.Count];
        packed[0] = magic;
        packed[1] = version;
        _body.CopyTo(packed, PackedFloatReader.HeaderLength);
        ulong hash = 14695981039346656037UL;
        foreach (float f in _body)
        {
            hash ^= BitConverter.SingleToUInt32Bits(f);
            hash *= 1099511628211UL;
        }
        packed[2] = hash & 0x1FFFFF;
        packed[3] = (hash >> 21) & 0x1FFFFF;
        packed[4] = (hash >> 42) & 0x1FFFFF;
        return packed;
    }
}

/// <summary>Reads what <see cref="PackedFloatWriter"/> wrote; every read past the end is an <see cref="InvalidDataException"/>.</summary>
internal sealed class PackedFloatReader
{
    public const int HeaderLength = 5;
    private readonly float[] _packed;
    private readonly string _model;
    private int _position = HeaderLength;

    /// <exception cref="InvalidDataException">The header is not <paramref name="magic"/>/<paramref name="version"/>.</exception>
    public PackedFloatReader(float[] packed, int magic, int version, string model)
    {
        _packed = packed;
        _model = model;
        if (packed.Length < HeaderLength || packed[0] != magic || packed[1] != version)
            throw new InvalidDataException(
                $"The {model} parameter column does not hold a packed model of format {version} " +
                $"(length {packed.Length}, header {(packed.Length > 1 ? $"{packed[0]}, {packed[1]}" : "missing")}).");
    }

    public bool AtEnd => _position == _packed.Length;

    public int Int()
    {
        var two = Floats(2);
        return (int)two[0] | ((int)two[1] << 16);
    }

    public bool Bool() => Int() != 0;

    public string Name() => new(Floats(Int()).Select(f => (char)f).ToArray());

    public float[] Floats(int count)
    {
        if (count < 0 || _position + count > _packed.Length)
            throw new InvalidDataException($"The {_model} parameter column is shorter than its header declares; the model file is damaged.");
        var result = _packed.AsSpan(_position, count).ToArray();
        _position += count;
        return result;
    }

    public float[] Array() => Floats(Int());

    /// <exception cref="InvalidDataException">Values are left over.</exception>
    public void RequireEnd()
    {
        if (!AtEnd) throw new InvalidDataException($"The {_model} parameter column is longer than its header declares; it was not written by this format.");
    }
}

/// <summary>
/// The per-delegate cache of an unpacked model used by the scoring contracts: every row of one model carries the same
/// parameter text, so equal length and equal first characters (the header with its fingerprint) mean the same model
/// and unpacking happens once. The cache is an immutable reference swapped atomically, safe on parallel cursors.
/// </summary>
internal sealed class PackedModelCache<TModel>(Func<ReadOnlyMemory<char>, TModel> unpack) where TModel : class
{
    // The first 28 Base64 characters encode the five header floats, fingerprint included.
    private const int PrefixLength = 28;
    private Entry? _entry;

    public TModel Get(ReadOnlyMemory<char> parameters)
    {
        var current = Volatile.Read(ref _entry);
        var text = parameters.Span;
        if (current == null || text.Length != current.Length || !text[..Math.Min(text.Length, PrefixLength)].SequenceEqual(current.Prefix))
        {
            current = new Entry(text[..Math.Min(text.Length, PrefixLength)].ToString(), text.Length, unpack(parameters));
            Volatile.Write(ref _entry, current);
        }
        return current.Model;
    }

    private sealed record Entry(string Prefix, int Length, TModel Model);
}
