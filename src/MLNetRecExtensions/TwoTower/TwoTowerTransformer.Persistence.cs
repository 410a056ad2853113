using System.Runtime.InteropServices;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.TwoTower;

/// <summary>Typed save and load: the model file is an ML.NET model plus the typed state (<see cref="RecModelFile"/>).</summary>
/// <remarks>
/// State version 1 (little-endian): the options by name (<see cref="TwoTowerOptionsState"/>); the mean continuous values
/// (Int32 count, Singles); the user-side key spaces and feature widths; the training history as CSR (users, items,
/// Int32 row starts <c>[users + 1]</c>, Int32 item indices); the packed user tower with the user and item embeddings
/// (Int32 count, Singles; the layout of the saved scoring chain's <c>MLNetRec.TwoTowerScore.v1</c> parameters).
/// </remarks>
public sealed partial class TwoTowerTransformer : ITypedModelState
{
    /// <summary>The <see cref="ITypedModelState.ModelKind"/> of this model in a <see cref="RecModelFile"/>.</summary>
    public const string TypedStateKind = "MLNetRec.TwoTower";

    private const int CurrentStateVersion = 1;

    /// <summary>
    /// Saves <paramref name="pipeline"/> (which must contain this model) as an ML.NET model file that also holds this
    /// model's typed state; <see cref="Load(MLContext, string)"/> returns the typed model again and
    /// <c>mlContext.Model.Load</c> still loads the pipeline.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="pipeline"/> does not contain this model.</exception>
    public void Save(MLContext mlContext, ITransformer pipeline, DataViewSchema inputSchema, string path) =>
        RecModelFile.SaveContaining(mlContext, pipeline, inputSchema, path, this);

    /// <summary>
    /// Loads the typed model from a file written by <see cref="Save"/>: it scores (the same chain, bit-identical),
    /// embeds known and new users (<see cref="ComputeUserEmbedding"/>, <see cref="ComputeUserEmbeddings"/>) and answers
    /// "recommend for these recent items" (<see cref="EmbedHistory"/>) exactly as the saved model did. It keeps no
    /// training state, so <see cref="Update"/> refuses it (update the fitted model, or refit).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a model file (empty, truncated, corrupted; the path is
    /// named), holds no two-tower state or an unknown version.</exception>
    public static TwoTowerTransformer Load(MLContext mlContext, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return RecModelFile.LoadState(path, TypedStateKind, 1, CurrentStateVersion, "two-tower", entry => ReadModel(mlContext, entry));
    }

    /// <summary>Loads the typed model and, with <c>mlContext.Model.Load</c>, the whole pipeline it was saved in.</summary>
    /// <exception cref="InvalidDataException">As <see cref="Load(MLContext, string)"/>.</exception>
    public static TwoTowerTransformer Load(MLContext mlContext, string path, out ITransformer pipeline, out DataViewSchema inputSchema)
    {
        var model = Load(mlContext, path);
        pipeline = RecModelFile.LoadModel(mlContext, path, out inputSchema);
        return model;
    }

    private static TwoTowerTransformer ReadModel(MLContext ml, TypedStateEntry entry)
    {
        using var r = entry.OpenReader();
        var options = TwoTowerOptionsState.Read(r);
        var means = ReadFloats(r);
        var schema = TwoTowerSchema.ReadUserSide(r);
        int users = r.ReadInt32(), items = r.ReadInt32();
        var rowStart = ReadInts(r, users + 1);
        var indices = ReadInts(r, rowStart[^1]);
        var history = UserItemMatrix.FromRows(items, Enumerable.Range(0, users).Select(u => indices[rowStart[u]..rowStart[u + 1]]).ToArray());
        var scorer = UserTowerScorer.Unpack(ReadFloats(r));
        int d = scorer.Dimension;
        var chain = TwoTowerScoring.Build(ml, new EmptyDataView(schema.ToUserSideSchema(options)), options, scorer, itemScorer: null); // the typed state carries no item tower yet: new items score 0 after a typed Load
        var userTable = new EmbeddingTable(scorer.UserEmbeddings.Length / d, d, scorer.UserEmbeddings);
        var itemTable = new EmbeddingTable(scorer.ItemCount, d, (float[])scorer.ItemEmbeddings.Clone());
        return new TwoTowerTransformer(chain, options, null, schema, history, scorer, means, userTable, itemTable, Fallback(scorer, schema, means));
    }

    /// <inheritdoc />
    string ITypedModelState.ModelKind => TypedStateKind;

    /// <inheritdoc />
    int ITypedModelState.StateVersion => CurrentStateVersion;

    /// <inheritdoc />
    void ITypedModelState.WriteState(BinaryWriter w)
    {
        TwoTowerOptionsState.Write(w, Options);
        WriteFloats(w, _continuousMeans);
        _schema.WriteUserSide(w);
        w.Write(_trainingHistory.UserCount);
        w.Write(_trainingHistory.ItemCount);
        w.Write(MemoryMarshal.AsBytes<int>(_trainingHistory.RowStart));
        w.Write(MemoryMarshal.AsBytes<int>(_trainingHistory.ItemIndices));
        WriteFloats(w, _scorer.Pack());
    }

    private static void WriteFloats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes<float>(values));
    }

    private static float[] ReadFloats(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException($"The two-tower state holds an array of length {n}.");
        var values = new float[n];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (r.Read(bytes) != bytes.Length) throw new EndOfStreamException("The two-tower state is truncated.");
        return values;
    }

    private static int[] ReadInts(BinaryReader r, int count)
    {
        if (count < 0) throw new InvalidDataException($"The two-tower state holds an array of length {count}.");
        var values = new int[count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (r.Read(bytes) != bytes.Length) throw new EndOfStreamException("The two-tower state is truncated.");
        return values;
    }
}
