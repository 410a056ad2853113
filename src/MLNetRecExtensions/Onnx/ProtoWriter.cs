using System.Text;

namespace MLNetRecExtensions.Onnx;

/// <summary>
/// The protobuf wire format, just enough to write ONNX messages: varints (wire type 0), length-delimited fields
/// (wire type 2: strings, bytes, nested messages, packed repeated numbers) and 32-bit floats (wire type 5).
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint((ulong)value);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    /// <summary>A packed repeated int64 field.</summary>
    public ProtoWriter PackedVarints(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (long v in values) inner.WriteVarint((ulong)v);
        return Bytes(field, inner.ToArray());
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
