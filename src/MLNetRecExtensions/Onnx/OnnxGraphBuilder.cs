using System.Buffers.Binary;

namespace MLNetRecExtensions.Onnx;

/// <summary>
/// Builds an ONNX model (IR version 8, default opset 17) node by node and writes it as protobuf bytes: float
/// initializers, graph inputs and outputs with a symbolic batch dimension <c>N</c>, and nodes with int, ints or float
/// attributes. Field numbers follow <c>onnx/onnx.proto</c> (ModelProto, GraphProto, NodeProto, TensorProto,
/// ValueInfoProto, AttributeProto).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private const int FloatType = 1;
    private const int Int64Type = 7;
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private int _counter;

    public OnnxGraphBuilder(string name) => Name = name;

    public string Name { get; }

    /// <summary>A fresh tensor name.</summary>
    public string Fresh(string hint) => $"{hint}_{_counter++}";

    /// <summary>A float constant of shape <paramref name="dims"/>; returns its name.</summary>
    public string Constant(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        string name = Fresh(hint);
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        _initializers.Add(Tensor(name, FloatType, dims, bytes));
        return name;
    }

    /// <summary>An int64 constant of shape <paramref name="dims"/>; returns its name.</summary>
    public string Int64Constant(string hint, ReadOnlySpan<long> values, params long[] dims)
    {
        string name = Fresh(hint);
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        _initializers.Add(Tensor(name, Int64Type, dims, bytes));
        return name;
    }

    /// <summary>A graph input of shape <c>[N, width…]</c> (int64 when <paramref name="int64"/>, else float); a trailing
    /// dimension of −1 is symbolic (<c>L</c>, e.g. the length of a padded history).</summary>
    public string Input(string name, bool int64, params long[] trailingDims)
    {
        _inputs.Add(ValueInfo(name, int64 ? Int64Type : FloatType, trailingDims));
        return name;
    }

    /// <summary>Declares tensor <paramref name="name"/> a float graph output of shape <c>[N, …]</c>.</summary>
    public void Output(string name, params long[] trailingDims) => _outputs.Add(ValueInfo(name, FloatType, trailingDims));

    /// <summary>Adds a node; returns the name of its (first) output.</summary>
    public string Node(string op, string[] inputs, string? output = null, Action<ProtoWriter>? attributes = null)
    {
        output ??= Fresh(op.ToLowerInvariant());
        var node = new ProtoWriter();
        foreach (var i in inputs) node.String(1, i);
        node.String(2, output);
        node.String(3, Fresh("n_" + op));
        node.String(4, op);
        attributes?.Invoke(node);
        _nodes.Add(node);
        return output;
    }

    /// <summary>An int attribute.</summary>
    public static void IntAttribute(ProtoWriter node, string name, long value) =>
        node.Message(5, new ProtoWriter().String(1, name).Varint(3, value).Varint(20, 2));

    /// <summary>An ints attribute.</summary>
    public static void IntsAttribute(ProtoWriter node, string name, params long[] values)
    {
        var a = new ProtoWriter().String(1, name);
        foreach (long v in values) a.Varint(8, v);
        node.Message(5, a.Varint(20, 7));
    }

    /// <summary>A float attribute.</summary>
    public static void FloatAttribute(ProtoWriter node, string name, float value) =>
        node.Message(5, new ProtoWriter().String(1, name).Float(2, value).Varint(20, 1));

    /// <summary>The serialized ModelProto.</summary>
    public byte[] ToBytes()
    {
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(1, n);
        graph.String(2, Name);
        foreach (var t in _initializers) graph.Message(5, t);
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in _outputs) graph.Message(12, o);
        return new ProtoWriter()
            .Varint(1, 8)                                   // ir_version
            .String(2, "MLNetRecExtensions")                // producer_name
            .String(3, typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "1.0")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, 17)) // opset_import: default domain, opset 17
            .ToArray();
    }

    private static ProtoWriter Tensor(string name, int type, long[] dims, byte[] raw)
    {
        var t = new ProtoWriter();
        foreach (long d in dims) t.Varint(1, d);
        return t.Varint(2, type).String(8, name).Bytes(9, raw);
    }

    private static ProtoWriter ValueInfo(string name, int type, long[] trailingDims)
    {
        var shape = new ProtoWriter().Message(1, new ProtoWriter().String(2, "N"));
        foreach (long d in trailingDims) shape.Message(1, d < 0 ? new ProtoWriter().String(2, "L") : new ProtoWriter().Varint(1, d));
        var tensorType = new ProtoWriter().Varint(1, type).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }
}
