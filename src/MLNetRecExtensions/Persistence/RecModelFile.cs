using System.IO.Compression;
using System.Text;
using Microsoft.ML;

namespace MLNetRecExtensions.Persistence;

/// <summary>
/// A model file that is both a plain ML.NET model (<c>mlContext.Model.Load</c> reads it and ignores the extra
/// entry) and a typed model of this library: the zip written by <c>mlContext.Model.Save</c> plus one entry
/// <see cref="StateEntryName"/> holding the typed state.
/// </summary>
/// <remarks>
/// Entry layout (little-endian): 8 bytes magic <c>MLNRSTAT</c>; Int32 container format version
/// (<see cref="FormatVersion"/>); the model kind as a length-prefixed UTF-8 string; Int32 state version; Int64
/// payload length; the payload written by <see cref="ITypedModelState.WriteState"/>.
/// </remarks>
public static class RecModelFile
{
    /// <summary>Name of the zip entry holding the typed state.</summary>
    public const string StateEntryName = "MLNetRec/typed-state.bin";

    /// <summary>Version of the entry header layout described in the remarks.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "MLNRSTAT"u8;

    /// <summary>
    /// Saves <paramref name="model"/> (usually the whole fitted pipeline) with <c>mlContext.Model.Save</c> and adds the
    /// typed state of <paramref name="state"/> (usually the model's own trainer output, which the pipeline contains).
    /// </summary>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path, ITypedModelState state)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(path);
        mlContext.Model.Save(model, inputSchema, path);
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true)) state.WriteState(w);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(StateEntryName)?.Delete();
        using var stream = zip.CreateEntry(StateEntryName, CompressionLevel.Fastest).Open();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(state.ModelKind);
        writer.Write(state.StateVersion);
        writer.Write(payload.Length);
        payload.Position = 0;
        writer.Flush();
        payload.CopyTo(stream);
    }

    /// <summary>
    /// <c>mlContext.Model.Load</c> with errors that name the file: a missing file throws
    /// <see cref="FileNotFoundException"/>; an empty, truncated or corrupted file (or one that is not a zip written by
    /// <c>mlContext.Model.Save</c>) throws <see cref="InvalidDataException"/> saying "not a model file" with the path and
    /// the underlying reason (ML.NET's own <see cref="FormatException"/> or zip error is the inner exception).
    /// </summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="path">The model file.</param>
    /// <param name="inputSchema">The input schema the model was saved with.</param>
    public static ITransformer LoadModel(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: '{Path.GetFullPath(path)}'. Check the path.", path);
        if (new FileInfo(path).Length == 0) throw NotAModel(path, "the file is empty (0 bytes)", null);
        try
        {
            return mlContext.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or InvalidOperationException
                                      or ArgumentException or NotSupportedException or IOException or System.Reflection.TargetInvocationException)
        {
            // ML.NET creates transformers by reflection, so a damaged entry often surfaces wrapped.
            var cause = e;
            while (cause is System.Reflection.TargetInvocationException { InnerException: { } inner }) cause = inner;
            throw NotAModel(path, cause.Message, e);
        }
    }

    private static InvalidDataException NotAModel(string path, string reason, Exception? inner) => new(
        $"'{path}' is not a model file that can be loaded: {reason.TrimEnd('.')}. Expected a .zip written by mlContext.Model.Save " +
        "(the file may be truncated or corrupted; save the model again).", inner);

    /// <summary>Reads the typed-state entry of the model file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a zip (empty, truncated, corrupted: "not a model file" with
    /// the path), has no typed state (it was saved by <c>mlContext.Model.Save</c> alone), its header is damaged, or its
    /// container version is newer than this library.</exception>
    public static TypedStateEntry ReadState(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}.", path);
        try
        {
            return ReadStateEntry(path);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException || (e is InvalidDataException && !e.Message.Contains(path, StringComparison.Ordinal)))
        {
            throw NotAModel(path, e.Message, e);
        }
    }

    /// <summary>
    /// <see cref="ReadState(string)"/> that also requires the entry to be <paramref name="kind"/> in a version within
    /// [<paramref name="minVersion"/>, <paramref name="maxVersion"/>]; <paramref name="what"/> names the model in messages.
    /// </summary>
    internal static TypedStateEntry ReadState(string path, string kind, int minVersion, int maxVersion, string what)
    {
        var entry = ReadState(path);
        if (entry.ModelKind != kind)
            throw new InvalidDataException($"'{path}' holds a '{entry.ModelKind}' model, not '{kind}'.");
        if (entry.StateVersion < minVersion || entry.StateVersion > maxVersion)
            throw new InvalidDataException($"'{path}': {what} state version {entry.StateVersion} is not supported (expected {minVersion} to {maxVersion}).");
        return entry;
    }

    /// <summary>
    /// Reads the typed state with <see cref="ReadState(string, string, int, int, string)"/> and builds the model from it
    /// with <paramref name="read"/>; a state that ends early is reported as a truncated model file naming the path.
    /// </summary>
    internal static T LoadState<T>(string path, string kind, int minVersion, int maxVersion, string what, Func<TypedStateEntry, T> read)
    {
        var entry = ReadState(path, kind, minVersion, maxVersion, what);
        try
        {
            return read(entry);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}' is not a complete model file: its {what} state is truncated. Save the model again.", e);
        }
    }

    /// <summary>Saves like <see cref="Save"/> after checking that <paramref name="pipeline"/> contains <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="pipeline"/> does not contain the model.</exception>
    internal static void SaveContaining<T>(MLContext mlContext, ITransformer pipeline, DataViewSchema inputSchema, string path, T model)
        where T : ITransformer, ITypedModelState
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (!Contains(pipeline, model))
            throw new ArgumentException("The pipeline does not contain this model; pass the fitted pipeline the model belongs to (or the model itself).", nameof(pipeline));
        Save(mlContext, pipeline, inputSchema, path, model);
    }

    private static bool Contains(ITransformer pipeline, ITransformer target)
    {
        if (ReferenceEquals(pipeline, target)) return true;
        return pipeline is IEnumerable<ITransformer> chain && chain.Any(t => Contains(t, target));
    }

    private static TypedStateEntry ReadStateEntry(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.GetEntry(StateEntryName)
            ?? throw new InvalidDataException($"'{path}' has no '{StateEntryName}' entry: it was not saved by this library's Save. Load it with mlContext.Model.Load instead.");
        using var stream = entry.Open();
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Span<byte> magic = stackalloc byte[8];
        if (reader.Read(magic) != magic.Length || !magic.SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}': entry '{StateEntryName}' does not start with the MLNRSTAT header.");
        int format = reader.ReadInt32();
        if (format > FormatVersion || format < 1)
            throw new InvalidDataException($"'{path}': typed-state container version {format} is not supported (this library reads up to {FormatVersion}); upgrade MLNetRecExtensions.");
        string kind = reader.ReadString();
        int version = reader.ReadInt32();
        long length = reader.ReadInt64();
        if (length < 0 || length > int.MaxValue) throw new InvalidDataException($"'{path}': typed-state payload length {length} is invalid.");
        var payload = reader.ReadBytes((int)length);
        if (payload.Length != length) throw new InvalidDataException($"'{path}': typed-state payload is truncated ({payload.Length} of {length} bytes).");
        return new TypedStateEntry(kind, version, payload);
    }
}

/// <summary>The typed state read from a <see cref="RecModelFile"/>.</summary>
/// <param name="ModelKind">The <see cref="ITypedModelState.ModelKind"/> that wrote it.</param>
/// <param name="StateVersion">The <see cref="ITypedModelState.StateVersion"/> of the payload.</param>
/// <param name="Payload">The payload bytes.</param>
public sealed record TypedStateEntry(string ModelKind, int StateVersion, byte[] Payload)
{
    /// <summary>A reader over <see cref="Payload"/>.</summary>
    public BinaryReader OpenReader() => new(new MemoryStream(Payload, writable: false), Encoding.UTF8);
}
