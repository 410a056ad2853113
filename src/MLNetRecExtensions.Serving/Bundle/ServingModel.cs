using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;

namespace MLNetRecExtensions.Serving.Bundle;

/// <summary>
/// Everything <c>mlnet-rec serve</c> needs from a fitted embedding model, in one zip file (the "serving bundle"):
/// the original user and item ids, the user and item embeddings and item biases (score of user u and item i:
/// <c>users[u] · items[i] + biases[i]</c>), each user's seen (training) items, and optionally saved HNSW indexes
/// (so the server does not rebuild the graph at start); for a two-tower model with a history input, its user tower, so
/// a NEW user is embedded from the items they interacted with (<see cref="EmbedHistory"/>). A bundle is a zip of its
/// own, or the entry <see cref="ModelZipEntry"/> inside the model.zip of <c>mlnet-rec recommendation</c>
/// (<see cref="EmbedInModelFile"/>); <see cref="Load"/> reads either.
/// </summary>
/// <remarks>
/// Zip entries: <c>serving.json</c> (format name <c>mlnetrec-serving</c>, version 1, model id, counts, dimension),
/// <c>users.txt</c> / <c>items.txt</c> (one id per line, by index), <c>user-embeddings.f32</c>,
/// <c>item-embeddings.f32</c>, <c>item-biases.f32</c> (raw little-endian float32, row-major), <c>seen.i32</c> (row
/// starts then item indices, the CSR of <see cref="UserItemMatrix"/>), and <c>index-hnsw.bin</c> /
/// <c>similar-hnsw.bin</c> (an <see cref="IEmbeddingIndex"/> over the items with biases, and over the normalized
/// items for similar-item search) when saved with an HNSW index, <c>user-tower.f32</c> / <c>user-tower-continuous.f32</c>
/// when the model has a user tower (<c>serving.json</c> then says <c>"hasUserTower": true</c>).
/// </remarks>
public sealed class ServingModel : IHistoryEmbeddingModel
{
    private const string Format = "mlnetrec-serving";
    private const int Version = 1;

    /// <summary>The zip entry of a model.zip (written by <c>mlnet-rec recommendation</c>) holding the serving bundle.</summary>
    public const string ModelZipEntry = "MLNetRec/serving-bundle.zip";

    private UserTower? _tower;

    /// <summary>Creates a bundle from a model's tables; the tables must have one row per mapped id.</summary>
    /// <param name="modelId">Names the model in the Redis keys (letters, digits, '-', '_', '.'; 1–64 characters).</param>
    /// <param name="users">User ids by index.</param>
    /// <param name="items">Item ids by index.</param>
    /// <param name="userEmbeddings"><c>[users, dimension]</c>.</param>
    /// <param name="itemEmbeddings"><c>[items, dimension]</c>.</param>
    /// <param name="itemBiases">Length items, or null.</param>
    /// <param name="seen">Training interactions, users × items.</param>
    /// <exception cref="ArgumentException">Shapes do not fit, an id contains a line break, or the model id is not valid.</exception>
    public ServingModel(string modelId, IdMapping<string> users, IdMapping<string> items, EmbeddingTable userEmbeddings,
        EmbeddingTable itemEmbeddings, float[]? itemBiases, UserItemMatrix seen)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(userEmbeddings);
        ArgumentNullException.ThrowIfNull(itemEmbeddings);
        ArgumentNullException.ThrowIfNull(seen);
        CheckModelId(modelId);
        if (userEmbeddings.Count != users.Count || itemEmbeddings.Count != items.Count)
            throw new ArgumentException($"The embeddings have {userEmbeddings.Count} users and {itemEmbeddings.Count} items but the id mappings {users.Count} and {items.Count}; they must match row for row.");
        if (userEmbeddings.Dimension != itemEmbeddings.Dimension)
            throw new ArgumentException($"User embeddings have dimension {userEmbeddings.Dimension} but item embeddings {itemEmbeddings.Dimension}.");
        if (itemBiases != null && itemBiases.Length != items.Count)
            throw new ArgumentException($"{itemBiases.Length} item biases for {items.Count} items.");
        if (seen.UserCount != users.Count || seen.ItemCount > items.Count)
            throw new ArgumentException($"The seen matrix is {seen.UserCount} × {seen.ItemCount} but the model has {users.Count} users and {items.Count} items.");
        foreach (var id in users.Ids.Concat(items.Ids))
            if (id.Contains('\n') || id.Contains('\r'))
                throw new ArgumentException($"The id '{id.ReplaceLineEndings("\\n")}' contains a line break, which the bundle's id lists cannot hold.");
        ModelId = modelId;
        Users = users;
        Items = items;
        UserEmbeddings = userEmbeddings;
        ItemEmbeddings = itemEmbeddings;
        ItemBiases = itemBiases;
        Seen = seen;
    }

    /// <summary>The bundle of a fitted embedding model and its in-memory training data (ids from the loaders' <see cref="InteractionData.UserIds"/>/<see cref="InteractionData.ItemIds"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The data has no original ids.</exception>
    public static ServingModel FromTraining(string modelId, IEmbeddingModel model, InteractionData train)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        var (users, items) = Recommender.Mappings<string, string>(train);
        return new ServingModel(modelId, users, items, model.UserEmbeddings, model.ItemEmbeddings, model.ItemBiases, UserItemMatrix.FromInteractions(train))
        {
            _tower = UserTower.From(model),
        };
    }

    /// <summary>
    /// The bundle of a fitted recommender (its ids, its model's embeddings, its seen items, and the user tower of a
    /// two-tower model with a history input); the model id is <paramref name="prefix"/> plus a hash of the tables, so
    /// a refitted model never reads a previous model's vectors from Redis.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no embeddings (dimension 0, e.g. popularity).</exception>
    public static ServingModel FromRecommender(EmbeddingRecommender<string, string> recommender, string prefix = "model")
    {
        ArgumentNullException.ThrowIfNull(recommender);
        var model = recommender.Model;
        if (model.ItemEmbeddings.Dimension == 0)
            throw new ArgumentException("The recommender's model has no embeddings (dimension 0, e.g. popularity); only embedding models (implicit ALS, MF, two-tower) can be served from an index.", nameof(recommender));
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(model.UserEmbeddings.Values.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(model.ItemEmbeddings.Values.AsSpan()));
        if (model.ItemBiases != null) hash.AppendData(MemoryMarshal.AsBytes(model.ItemBiases.AsSpan()));
        string id = $"{prefix}-{Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 8))}";
        return new ServingModel(id, recommender.Users, recommender.Items, model.UserEmbeddings, model.ItemEmbeddings, model.ItemBiases, recommender.Seen)
        {
            _tower = UserTower.From(model),
        };
    }

    /// <summary>Names the model (in Redis keys and <c>/health</c>).</summary>
    public string ModelId { get; }
    /// <summary>User ids by index.</summary>
    public IdMapping<string> Users { get; }
    /// <summary>Item ids by index.</summary>
    public IdMapping<string> Items { get; }
    /// <summary>Training interactions (users × items), excluded from recommendations.</summary>
    public UserItemMatrix Seen { get; }
    /// <inheritdoc/>
    public EmbeddingTable UserEmbeddings { get; }
    /// <inheritdoc/>
    public EmbeddingTable ItemEmbeddings { get; }
    /// <inheritdoc/>
    public float[]? ItemBiases { get; }
    /// <inheritdoc/>
    public string UserColumnName => "UserId";
    /// <inheritdoc/>
    public string ItemColumnName => "ItemId";
    /// <summary>Embedding length.</summary>
    public int Dimension => ItemEmbeddings.Dimension;

    /// <summary>True when the bundle holds a user tower, so <see cref="EmbedHistory"/> embeds new users from their items.</summary>
    public bool HasUserTower => _tower != null;

    /// <summary>
    /// A new user's query from the items they interacted with (0-based item indices): the two-tower user tower on the
    /// items as history (bit-identical to <see cref="TwoTower.TwoTowerTransformer.EmbedHistory"/> of the model the
    /// bundle was made from). The weights are checked but unused (mean pooling). Fallback
    /// (<see cref="HistoryEmbedding.IsFallback"/> true, zero vector): no items, or a bundle without a user tower.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside the catalog or a weight is not finite.</exception>
    /// <exception cref="ArgumentException">The weights are not empty and differ in length from the items.</exception>
    public HistoryEmbedding EmbedHistory(ReadOnlySpan<int> items, ReadOnlySpan<float> weights)
    {
        if (weights.Length != 0 && weights.Length != items.Length)
            throw new ArgumentException($"Got {items.Length} items but {weights.Length} weights; pass one weight per item, or none.", nameof(weights));
        foreach (float w in weights)
            if (!float.IsFinite(w)) throw new ArgumentOutOfRangeException(nameof(weights), w, "Weights must be finite.");
        if (_tower == null || items.Length == 0)
        {
            for (int k = 0; k < items.Length; k++)
                if ((uint)items[k] >= (uint)Items.Count)
                    throw new ArgumentOutOfRangeException(nameof(items), items[k], $"Position {k}: item index {items[k]} is outside [0, {Items.Count}).");
            return new HistoryEmbedding(new float[Dimension], ItemBiases, isFallback: true);
        }
        return new HistoryEmbedding(_tower.Embed(items), ItemBiases, isFallback: false);
    }

    /// <summary>HNSW index over the items with biases, when the bundle holds one (<see cref="Save(string, EmbeddingIndexOptions?, bool)"/> with HNSW options).</summary>
    public IEmbeddingIndex? SavedIndex { get; private set; }
    /// <summary>HNSW index over the unit-normalized items (similar items), when the bundle holds one.</summary>
    public IEmbeddingIndex? SavedSimilarIndex { get; private set; }

    /// <summary>
    /// Writes the bundle to <paramref name="path"/>; with <paramref name="hnsw"/> it also builds and stores the HNSW
    /// indexes (items with biases, and — unless <paramref name="similarIndex"/> is false — normalized items for similar
    /// items) so a server loads instead of building them.
    /// </summary>
    public void Save(string path, EmbeddingIndexOptions? hnsw = null, bool similarIndex = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.Create(path);
        Save(file, hnsw, similarIndex);
    }

    /// <summary>
    /// Adds the bundle (without HNSW graphs: the server builds them at start) to the model.zip at
    /// <paramref name="modelZipPath"/> as the entry <see cref="ModelZipEntry"/>, replacing an earlier one; ML.NET's
    /// <c>Model.Load</c> ignores the entry, <see cref="Load"/> and <c>mlnet-rec serve --model</c> read it.
    /// </summary>
    public void EmbedInModelFile(string modelZipPath)
    {
        ArgumentNullException.ThrowIfNull(modelZipPath);
        using var zip = ZipFile.Open(modelZipPath, ZipArchiveMode.Update);
        zip.GetEntry(ModelZipEntry)?.Delete();
        using var entry = zip.CreateEntry(ModelZipEntry, CompressionLevel.NoCompression).Open();
        Save(entry);
    }

    /// <summary>Writes the bundle zip to <paramref name="stream"/> (left open); see <see cref="Save(string, EmbeddingIndexOptions?, bool)"/>.</summary>
    public void Save(Stream stream, EmbeddingIndexOptions? hnsw = null, bool similarIndex = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(zip, "serving.json", s => JsonSerializer.Serialize(s, new Header(Format, Version, ModelId, Users.Count, Items.Count, Dimension, ItemBiases != null, _tower != null)));
        WriteEntry(zip, "users.txt", s => WriteIds(s, Users));
        WriteEntry(zip, "items.txt", s => WriteIds(s, Items));
        WriteEntry(zip, "user-embeddings.f32", s => s.Write(MemoryMarshal.AsBytes(UserEmbeddings.Values.AsSpan())));
        WriteEntry(zip, "item-embeddings.f32", s => s.Write(MemoryMarshal.AsBytes(ItemEmbeddings.Values.AsSpan())));
        if (ItemBiases != null) WriteEntry(zip, "item-biases.f32", s => s.Write(MemoryMarshal.AsBytes(ItemBiases.AsSpan())));
        WriteEntry(zip, "seen.i32", s =>
        {
            s.Write(MemoryMarshal.AsBytes(Seen.RowStart.AsSpan()));
            s.Write(MemoryMarshal.AsBytes(Seen.ItemIndices.AsSpan()));
        });
        if (_tower != null)
        {
            WriteEntry(zip, "user-tower.f32", s => s.Write(MemoryMarshal.AsBytes(_tower.Pack().AsSpan())));
            WriteEntry(zip, "user-tower-continuous.f32", s => s.Write(MemoryMarshal.AsBytes(_tower.Continuous.AsSpan())));
        }
        if (hnsw != null)
        {
            var options = new EmbeddingIndexOptions
            {
                Kind = EmbeddingIndexKind.Hnsw, Connectivity = hnsw.Connectivity, ExpansionAdd = hnsw.ExpansionAdd,
                ExpansionSearch = hnsw.ExpansionSearch, BuildThreads = hnsw.BuildThreads, VectorStorage = hnsw.VectorStorage,
            };
            using (var main = EmbeddingIndex.Build(ItemEmbeddings, ItemBiases, options))
                WriteEntry(zip, "index-hnsw.bin", main.Save);
            if (similarIndex)
            {
                using var similar = EmbeddingIndex.Build(IndexVectors.Normalized(ItemEmbeddings), null, options);
                WriteEntry(zip, "similar-hnsw.bin", similar.Save);
            }
        }
    }

    /// <summary>
    /// Reads a bundle written by <see cref="Save(string, EmbeddingIndexOptions?, bool)"/>, or the one inside a model.zip
    /// of <c>mlnet-rec recommendation</c> (entry <see cref="ModelZipEntry"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a serving bundle nor a model.zip holding one (e.g. a popularity or
    /// two-stage model, which have no embeddings to serve), an unsupported version, or an entry of the wrong size (the
    /// message names the file and entry).</exception>
    public static ServingModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Serving model not found: {path}", path);
        try
        {
            using var outer = ZipFile.OpenRead(path);
            if (outer.GetEntry("serving.json") != null) return Read(outer);
            if (outer.GetEntry(ModelZipEntry) is not { } nested)
                throw new InvalidDataException(outer.GetEntry("Model.key") != null || outer.Entries.Any(e => e.FullName.StartsWith("TransformerChain", StringComparison.Ordinal))
                    ? $"it is an ML.NET model without the entry '{ModelZipEntry}': mlnet-rec recommendation stores it when it chooses an embedding model (implicit ALS, MF, two-tower), not for popularity or two-stage models; rerun it with --models ials,mf,twotower"
                    : "it has neither serving.json nor the entry " + ModelZipEntry);
            using var buffer = new MemoryStream();
            using (var s = nested.Open()) s.CopyTo(buffer);
            buffer.Position = 0;
            using var inner = new ZipArchive(buffer, ZipArchiveMode.Read);
            return Read(inner);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a valid serving bundle: {e.Message}. Write one with `mlnet-rec recommendation` (model.zip), `mlnet-rec serve-export` or ServingModel.Save.", e);
        }
    }

    private static ServingModel Read(ZipArchive zip)
    {
        {
            var header = JsonSerializer.Deserialize<Header>(ReadEntry(zip, "serving.json"))
                ?? throw new InvalidDataException("serving.json is empty");
            if (header.Format != Format)
                throw new InvalidDataException($"serving.json names format '{header.Format}', not '{Format}'");
            if (header.Version != Version)
                throw new InvalidDataException($"serving bundle version {header.Version} is not supported (this build reads version {Version})");
            var users = ReadIds(zip, "users.txt", header.Users);
            var items = ReadIds(zip, "items.txt", header.Items);
            var userValues = ReadFloats(zip, "user-embeddings.f32", (long)header.Users * header.Dimension);
            var itemValues = ReadFloats(zip, "item-embeddings.f32", (long)header.Items * header.Dimension);
            var biases = header.HasBiases ? ReadFloats(zip, "item-biases.f32", header.Items) : null;
            var seenInts = MemoryMarshal.Cast<byte, int>(ReadEntry(zip, "seen.i32")).ToArray();
            if (seenInts.Length < header.Users + 1 || seenInts[header.Users] != seenInts.Length - header.Users - 1)
                throw new InvalidDataException("seen.i32 does not hold a row-start table and its item indices");
            var rows = new int[header.Users][];
            for (int u = 0; u < header.Users; u++) rows[u] = seenInts[(header.Users + 1 + seenInts[u])..(header.Users + 1 + seenInts[u + 1])];
            var model = new ServingModel(header.ModelId, users, items, new EmbeddingTable(header.Users, header.Dimension, userValues),
                new EmbeddingTable(header.Items, header.Dimension, itemValues), biases, UserItemMatrix.FromRows(header.Items, rows));
            if (zip.GetEntry("index-hnsw.bin") is { } indexEntry)
                model.SavedIndex = LoadIndex(indexEntry);
            if (zip.GetEntry("similar-hnsw.bin") is { } similarEntry)
                model.SavedSimilarIndex = LoadIndex(similarEntry);
            if (header.HasUserTower)
            {
                var continuous = MemoryMarshal.Cast<byte, float>(ReadEntry(zip, "user-tower-continuous.f32")).ToArray();
                model._tower = UserTower.Unpack(MemoryMarshal.Cast<byte, float>(ReadEntry(zip, "user-tower.f32")).ToArray(), continuous);
                if (model._tower.Dimension != header.Dimension || model._tower.ItemCount != header.Items)
                    throw new InvalidDataException($"user-tower.f32 is a tower of dimension {model._tower.Dimension} over {model._tower.ItemCount} items, but the bundle has dimension {header.Dimension} and {header.Items} items");
            }
            return model;
        }
    }

    /// <summary>
    /// The recommender over this bundle (original ids in and out, seen items excluded, cold start = most popular
    /// training items) searching with an index of <paramref name="kind"/>; HNSW uses the bundle's saved indexes when
    /// present and builds them with <paramref name="hnsw"/> (or the defaults) otherwise.
    /// </summary>
    public EmbeddingRecommender<string, string> CreateRecommender(EmbeddingIndexKind kind, EmbeddingIndexOptions? hnsw = null)
    {
        IItemIndexFactory factory = kind == EmbeddingIndexKind.Exact
            ? ExactItemIndex.Factory
            : new BundleIndexFactory(this, hnsw ?? new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw });
        return new EmbeddingRecommender<string, string>(this, Users, Items, Seen, new RecommenderOptions { IndexFactory = factory });
    }

    private static IEmbeddingIndex LoadIndex(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        using var buffer = new MemoryStream();
        s.CopyTo(buffer);
        buffer.Position = 0;
        return EmbeddingIndex.Load(buffer);
    }

    private static void CheckModelId(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        if (modelId.Length is < 1 or > 64 || !modelId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"Model id '{modelId}' must be 1–64 characters of letters, digits, '-', '_' or '.' (it becomes part of Redis keys).", nameof(modelId));
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        write(s);
    }

    private static void WriteIds(Stream s, IdMapping<string> ids)
    {
        using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var id in ids.Ids) w.WriteLine(id);
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"the entry '{name}' is missing");
        using var s = entry.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    private static IdMapping<string> ReadIds(ZipArchive zip, string name, int count)
    {
        var text = Encoding.UTF8.GetString(ReadEntry(zip, name));
        var ids = text.Split('\n');
        if (ids.Length != count + 1 || ids[^1].Length != 0)
            throw new InvalidDataException($"{name} has {ids.Length - 1} lines but serving.json declares {count}");
        return new IdMapping<string>(ids[..^1]);
    }

    private static float[] ReadFloats(ZipArchive zip, string name, long count)
    {
        var bytes = ReadEntry(zip, name);
        if (bytes.LongLength != count * 4)
            throw new InvalidDataException($"{name} has {bytes.LongLength} bytes but serving.json implies {count} float32 values ({count * 4} bytes)");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private sealed record Header(string Format, int Version, string ModelId, int Users, int Items, int Dimension, bool HasBiases, bool HasUserTower = false);

    /// <summary>
    /// Hands the recommender the bundle's saved HNSW indexes when it asks for the index of the bundle's own tables
    /// (items with biases, or the normalized items of similar-item search); builds any other index.
    /// </summary>
    private sealed class BundleIndexFactory(ServingModel model, EmbeddingIndexOptions options) : IItemIndexFactory
    {
        private readonly EmbeddingIndexFactory _build = new(new EmbeddingIndexOptions
        {
            Kind = EmbeddingIndexKind.Hnsw, Connectivity = options.Connectivity, ExpansionAdd = options.ExpansionAdd,
            ExpansionSearch = options.ExpansionSearch, BuildThreads = options.BuildThreads, VectorStorage = options.VectorStorage,
        });

        public IItemIndex Build(EmbeddingTable items, float[]? itemBiases)
        {
            bool own = ReferenceEquals(items, model.ItemEmbeddings) && ReferenceEquals(itemBiases, model.ItemBiases);
            if (own && model.SavedIndex is { } saved) return WithSearchExpansion(saved);
            if (!own && itemBiases == null && model.SavedSimilarIndex is { } similar && similar.ItemCount == items.Count) return WithSearchExpansion(similar);
            return _build.Build(items, itemBiases);
        }

        private IItemIndex WithSearchExpansion(IEmbeddingIndex index)
        {
            if (index is HnswEmbeddingIndex h) h.ExpansionSearch = options.ExpansionSearch;
            return index;
        }
    }
}
