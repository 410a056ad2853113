using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Persistence;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Factorization;

/// <summary>What a <see cref="MatrixFactorizationModel"/> was trained on.</summary>
public enum MatrixFactorizationKind
{
    /// <summary>Explicit ratings: <c>Score = μ + b_u + b_i + p_u·q_i</c> (biases and mean are 0 when disabled).</summary>
    Explicit = 0,
    /// <summary>Implicit feedback (iALS, one-class MF): <c>Score = p_u·q_i</c>.</summary>
    Implicit = 1,
}

/// <summary>
/// A fitted matrix factorization: the output of <see cref="MatrixFactorizationTrainer"/> and
/// <see cref="ImplicitAlsTrainer"/>. Adds a <c>Single</c> column <c>Score</c> for each (user, item) row and exposes the
/// learned factors for fast retrieval.
/// </summary>
/// <remarks>
/// <para>Scoring goes through the portable chain of <see cref="DotProductScoring"/> with extended vectors, so
/// <c>mlContext.Model.Save/Load</c> reproduces scores bit for bit and <c>PredictionEngine</c> works:</para>
/// <list type="bullet">
/// <item>Explicit: user <c>[p_u, b_u, 1]</c>, item <c>[q_i, 1, b_i + μ]</c>. An unknown user (key 0) is
/// <c>[0…0, 0, 1]</c> and scores <c>μ + b_i</c>; an unknown item is <c>[0…0, 1, μ]</c> and scores <c>μ + b_u</c>;
/// both unknown score <c>μ</c>.</item>
/// <item>Implicit: user <c>[p_u, 0]</c>, item <c>[q_i, pop_i]</c> where <c>pop_i</c> is item i's share of the training
/// interactions. An unknown user is <c>[0…0, 1]</c> and so ranks items by popularity; an unknown item is all zeros
/// and scores 0.</item>
/// </list>
/// <para>The scored data must carry user and item key columns of the training cardinalities (apply the same fitted
/// <c>MapValueToKey</c> transformers); otherwise the model throws <see cref="ArgumentOutOfRangeException"/>.</para>
/// </remarks>
public sealed partial class MatrixFactorizationModel : ChainDelegatingTransformer, IEmbeddingModel, ITypedModelState
{
    /// <summary>The <see cref="ITypedModelState.ModelKind"/> of this model in a <see cref="RecModelFile"/>.</summary>
    public const string TypedStateKind = "MLNetRec.MatrixFactorization";
    // Version 2 appends the training objective (FactorizationSettings) to the version-1 payload; version 1 still loads.
    private const int CurrentStateVersion = 2;

    // The extended rows of the scoring chain (see remarks), built on first use: a Fit that is only scored through the
    // factors or top-K never needs them.
    private readonly Lazy<(float[][] Users, float[][] Items)> _rows;

    internal MatrixFactorizationModel(MLContext mlContext, MatrixFactorizationKind kind, string userColumnName, string itemColumnName,
        int userCount, int itemCount, int rank, float[] userFactors, float[] itemFactors,
        float[]? userBiases, float[]? itemBiases, float globalMean, float[]? itemPopularity, FactorizationSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        Kind = kind;
        Settings = settings;
        UserColumnName = userColumnName;
        ItemColumnName = itemColumnName;
        UserCount = userCount;
        ItemCount = itemCount;
        Rank = rank;
        UserFactors = new EmbeddingTable(userCount, rank, userFactors);
        ItemFactors = new EmbeddingTable(itemCount, rank, itemFactors);
        if (kind == MatrixFactorizationKind.Explicit)
        {
            UserBiases = userBiases ?? new float[userCount];
            ExplicitItemBiases = itemBiases ?? new float[itemCount];
            GlobalMean = globalMean;
        }
        else
        {
            ItemPopularity = itemPopularity ?? new float[itemCount];
        }
        _rows = new Lazy<(float[][], float[][])>(BuildRows, LazyThreadSafetyMode.ExecutionAndPublication);
        // Built on first use (Transform, schema, save): fitting ML.NET's ValueMapping tables costs more than a small
        // SGD run, and Score / top-K never need them.
        _scoringChain = new Lazy<ITransformer>(
            () => DotProductScoring.Build(mlContext, SchemaSource(mlContext), UserColumnName, ItemColumnName, _rows.Value.Users, _rows.Value.Items),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Explicit ratings or implicit feedback.</summary>
    public MatrixFactorizationKind Kind { get; }
    /// <summary>Name of the user key column (ML.NET's <c>MatrixRowIndexColumnName</c>).</summary>
    public string UserColumnName { get; }
    /// <summary>Name of the item key column (ML.NET's <c>MatrixColumnIndexColumnName</c>).</summary>
    public string ItemColumnName { get; }
    /// <summary>User key cardinality seen in training.</summary>
    public int UserCount { get; }
    /// <summary>Item key cardinality seen in training.</summary>
    public int ItemCount { get; }
    /// <summary>Factor length (approximation rank).</summary>
    public int Rank { get; }
    /// <summary>User factors <c>P</c>, <c>[users, rank]</c> row-major; row <c>u</c> is user key <c>u + 1</c>.</summary>
    public EmbeddingTable UserFactors { get; }
    /// <summary>Item factors <c>Q</c>, <c>[items, rank]</c> row-major; row <c>i</c> is item key <c>i + 1</c>.</summary>
    public EmbeddingTable ItemFactors { get; }
    /// <summary>User biases <c>b_u</c> (explicit models; zeros when biases were disabled), or null for implicit models.</summary>
    public float[]? UserBiases { get; }
    /// <summary>Item biases <c>b_i</c> (explicit models), or null for implicit models.</summary>
    public float[]? ExplicitItemBiases { get; }
    /// <summary>Global mean μ of the training ratings (explicit models with biases), else 0.</summary>
    public float GlobalMean { get; }
    /// <summary>Each item's share of the training interactions (implicit models; the unknown-user fallback), or null.</summary>
    public float[]? ItemPopularity { get; }
    /// <summary>
    /// The objective the factors were trained on (used by fold-in and <see cref="MatrixFactorizationUpdate"/>), or null
    /// for a model loaded from a file of state version 1, which did not record it.
    /// </summary>
    public FactorizationSettings? Settings { get; }

    /// <inheritdoc />
    EmbeddingTable IEmbeddingModel.UserEmbeddings => UserFactors;
    /// <inheritdoc />
    EmbeddingTable IEmbeddingModel.ItemEmbeddings => ItemFactors;
    /// <summary>The per-item ranking term: <c>b_i</c> for explicit models (μ and <c>b_u</c> are constant per user), null for implicit ones.</summary>
    public float[]? ItemBiases => ExplicitItemBiases;

    /// <summary>
    /// Writes the model as an ONNX graph (IR 8, opset 17; ML.NET's own matrix factorization cannot be exported) to
    /// <paramref name="stream"/>: inputs <c>UserKey</c> and <c>ItemKey</c> int64 <c>[N]</c> (ML.NET key values, 0 =
    /// unknown, which scores with the documented fallbacks), output <c>Score</c> float <c>[N]</c> — the same score as
    /// the model's <c>Score</c> column: factors, biases and the global mean folded into the rows of two lookup tables.
    /// Keys must lie within the trained key counts.
    /// </summary>
    public void ExportToOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Onnx.OnnxBlocks.LookupDot("matrix_factorization", "UserKey", "ItemKey", _rows.Value.Users, _rows.Value.Items));
    }

    /// <summary>
    /// The score of 0-based user <paramref name="userIndex"/> and item <paramref name="itemIndex"/>, bit-identical
    /// to the <c>Score</c> column; pass −1 for an unknown user or item to get the documented fallback.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is below −1 or not less than the count.</exception>
    public float Score(int userIndex, int itemIndex)
    {
        if (userIndex < -1 || userIndex >= UserCount)
            throw new ArgumentOutOfRangeException(nameof(userIndex), userIndex, $"User index must be in [-1, {UserCount}); -1 means unknown.");
        if (itemIndex < -1 || itemIndex >= ItemCount)
            throw new ArgumentOutOfRangeException(nameof(itemIndex), itemIndex, $"Item index must be in [-1, {ItemCount}); -1 means unknown.");
        // The same kernel as the MLNetRec.Dot.v1 mapping on the same rows, so the result is bit-identical.
        return TensorPrimitives.Dot<float>(_rows.Value.Users[userIndex + 1], _rows.Value.Items[itemIndex + 1]);
    }

    /// <inheritdoc />
    protected override ITransformer ScoringChain => _scoringChain.Value;

    private readonly Lazy<ITransformer> _scoringChain;

    /// <summary>
    /// Saves <paramref name="pipeline"/> (which must contain this model) as an ML.NET model file that also holds this
    /// model's typed state; <see cref="Load(MLContext, string)"/> returns the typed model again and
    /// <c>mlContext.Model.Load</c> still loads the pipeline.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="pipeline"/> does not contain this model.</exception>
    public void Save(MLContext mlContext, ITransformer pipeline, DataViewSchema inputSchema, string path)
    {
        RecModelFile.SaveContaining(mlContext, pipeline, inputSchema, path, this);
    }

    /// <summary>Loads the typed model from a file written by <see cref="Save(MLContext, ITransformer, DataViewSchema, string)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a model file (empty, truncated, corrupted; the path is
    /// named), holds no matrix factorization state or an unknown version.</exception>
    public static MatrixFactorizationModel Load(MLContext mlContext, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return RecModelFile.LoadState(path, TypedStateKind, 1, CurrentStateVersion, "matrix factorization", entry => ReadModel(mlContext, entry));
    }

    private static MatrixFactorizationModel ReadModel(MLContext mlContext, TypedStateEntry entry)
    {
        using var r = entry.OpenReader();
        var kind = (MatrixFactorizationKind)r.ReadInt32();
        string userColumn = r.ReadString(), itemColumn = r.ReadString();
        int users = r.ReadInt32(), items = r.ReadInt32(), rank = r.ReadInt32();
        var p = ReadFloats(r, users * rank);
        var q = ReadFloats(r, items * rank);
        float mean = r.ReadSingle();
        var bu = r.ReadBoolean() ? ReadFloats(r, users) : null;
        var bi = r.ReadBoolean() ? ReadFloats(r, items) : null;
        var pop = r.ReadBoolean() ? ReadFloats(r, items) : null;
        var settings = entry.StateVersion >= 2 && r.ReadBoolean() ? FactorizationSettings.Read(r) : null;
        return new MatrixFactorizationModel(mlContext, kind, userColumn, itemColumn, users, items, rank, p, q, bu, bi, mean, pop, settings);
    }

    /// <summary>
    /// Loads the typed model and, with <c>mlContext.Model.Load</c>, the whole pipeline it was saved in.
    /// </summary>
    public static MatrixFactorizationModel Load(MLContext mlContext, string path, out ITransformer pipeline, out DataViewSchema inputSchema)
    {
        var model = Load(mlContext, path);
        pipeline = RecModelFile.LoadModel(mlContext, path, out inputSchema);
        return model;
    }

    /// <inheritdoc />
    string ITypedModelState.ModelKind => TypedStateKind;

    /// <inheritdoc />
    int ITypedModelState.StateVersion => CurrentStateVersion;

    /// <inheritdoc />
    void ITypedModelState.WriteState(BinaryWriter w)
    {
        w.Write((int)Kind);
        w.Write(UserColumnName);
        w.Write(ItemColumnName);
        w.Write(UserCount);
        w.Write(ItemCount);
        w.Write(Rank);
        w.Write(MemoryMarshal.AsBytes<float>(UserFactors.Values));
        w.Write(MemoryMarshal.AsBytes<float>(ItemFactors.Values));
        w.Write(GlobalMean);
        WriteOptional(w, UserBiases);
        WriteOptional(w, ExplicitItemBiases);
        WriteOptional(w, ItemPopularity);
        w.Write(Settings != null);
        Settings?.Write(w);
    }

    private static void WriteOptional(BinaryWriter w, float[]? values)
    {
        w.Write(values != null);
        if (values != null) w.Write(MemoryMarshal.AsBytes<float>(values));
    }

    private static float[] ReadFloats(BinaryReader r, int count)
    {
        var values = new float[count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (r.Read(bytes) != bytes.Length) throw new InvalidDataException("The matrix factorization state is truncated.");
        return values;
    }

    private (float[][] Users, float[][] Items) BuildRows()
    {
        int rank = Rank;
        bool isExplicit = Kind == MatrixFactorizationKind.Explicit;
        int dim = rank + (isExplicit ? 2 : 1);
        var users = new float[UserCount + 1][];
        var items = new float[ItemCount + 1][];
        users[0] = new float[dim];
        items[0] = new float[dim];
        if (isExplicit)
        {
            users[0][rank + 1] = 1;
            items[0][rank] = 1;
            items[0][rank + 1] = GlobalMean;
        }
        else
        {
            users[0][rank] = 1;
        }
        for (int u = 0; u < UserCount; u++)
        {
            var row = new float[dim];
            UserFactors.Row(u).CopyTo(row);
            if (isExplicit)
            {
                row[rank] = UserBiases![u];
                row[rank + 1] = 1;
            }
            users[u + 1] = row;
        }
        for (int i = 0; i < ItemCount; i++)
        {
            var row = new float[dim];
            ItemFactors.Row(i).CopyTo(row);
            if (isExplicit)
            {
                row[rank] = 1;
                row[rank + 1] = ExplicitItemBiases![i] + GlobalMean;
            }
            else
            {
                row[rank] = ItemPopularity![i];
            }
            items[i + 1] = row;
        }
        return (users, items);
    }

    // The scoring chain only reads the schema; an empty view with the two key columns makes trained and loaded
    // models build the same chain.
    private IDataView SchemaSource(MLContext mlContext)
    {
        var definition = SchemaDefinition.Create(typeof(KeyPair));
        definition[0].ColumnName = UserColumnName;
        definition[0].ColumnType = new KeyDataViewType(typeof(uint), UserCount);
        definition[1].ColumnName = ItemColumnName;
        definition[1].ColumnType = new KeyDataViewType(typeof(uint), ItemCount);
        return mlContext.Data.LoadFromEnumerable(Array.Empty<KeyPair>(), definition);
    }

    /// <inheritdoc />
    protected override void CheckInputSchema(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        CheckKeyColumn(schema, UserColumnName, "user", UserCount);
        CheckKeyColumn(schema, ItemColumnName, "item", ItemCount);
    }


    private sealed class KeyPair
    {
        public uint User { get; set; }
        public uint Item { get; set; }
    }
}
