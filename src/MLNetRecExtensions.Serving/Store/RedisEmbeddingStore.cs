using System.Runtime.InteropServices;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;
using StackExchange.Redis;

namespace MLNetRecExtensions.Serving.Store;

/// <summary>
/// User and item embeddings and seen-item sets of one model in Redis (StackExchange.Redis), under the versioned
/// keys of <see cref="RedisKeys"/>. Vectors are stored as raw float32 bytes, so a round trip is bit-identical.
/// </summary>
/// <remarks>
/// Failure is fast and explicit: connecting gives up after <c>timeout</c> (default 2 s); once connected, commands
/// fail at once while the connection is down (no backlog) and time out after <c>timeout</c>; either case throws
/// <see cref="EmbeddingStoreUnavailableException"/> naming the endpoint. Thread-safe; dispose to close the connection.
/// </remarks>
public sealed class RedisEmbeddingStore : IDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;

    private RedisEmbeddingStore(ConnectionMultiplexer redis, string endpoint, RedisKeys keys, int dimension)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        Endpoint = endpoint;
        Keys = keys;
        Dimension = dimension;
    }

    /// <summary>The <c>HOST:PORT</c> connected to.</summary>
    public string Endpoint { get; }
    /// <summary>The key layout of this model.</summary>
    public RedisKeys Keys { get; }
    /// <summary>Vector length.</summary>
    public int Dimension { get; }

    /// <summary>Connects to Redis at <paramref name="endpoint"/> (<c>HOST:PORT</c>) for model <paramref name="modelId"/>.</summary>
    /// <exception cref="EmbeddingStoreUnavailableException">Redis is not reachable within <paramref name="timeout"/>.</exception>
    /// <exception cref="ArgumentException">The endpoint is not <c>HOST:PORT</c>.</exception>
    public static async Task<RedisEmbeddingStore> ConnectAsync(string endpoint, string modelId, int dimension, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"The Redis endpoint '{endpoint}' is not HOST:PORT (e.g. 127.0.0.1:6379).", nameof(endpoint));
        var keys = new RedisKeys(modelId, dimension);
        int ms = (int)(timeout ?? TimeSpan.FromSeconds(2)).TotalMilliseconds;
        var config = new ConfigurationOptions
        {
            AbortOnConnectFail = true,
            ConnectTimeout = ms,
            SyncTimeout = ms,
            AsyncTimeout = ms,
            ConnectRetry = 1,
            BacklogPolicy = BacklogPolicy.FailFast,
            ClientName = "mlnet-rec",
        };
        config.EndPoints.Add(endpoint[..colon], port);
        try
        {
            var redis = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
            return new RedisEmbeddingStore(redis, endpoint, keys, dimension);
        }
        catch (RedisException e)
        {
            throw Unavailable(endpoint, "connecting", e);
        }
    }

    /// <summary>
    /// Uploads a bundle's user and item embeddings and seen sets (pipelined, <paramref name="batch"/> keys per round
    /// trip), then the <c>meta</c> hash.
    /// </summary>
    /// <exception cref="ArgumentException">The bundle's dimension differs from this store's.</exception>
    /// <exception cref="EmbeddingStoreUnavailableException">Redis failed.</exception>
    public async Task WriteModelAsync(ServingModel model, int batch = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Dimension != Dimension)
            throw new ArgumentException($"The model has dimension {model.Dimension} but the store was opened for {Dimension}.", nameof(model));
        await WriteVectorsAsync(model.Users.Ids, model.UserEmbeddings, Keys.User, batch).ConfigureAwait(false);
        await WriteVectorsAsync(model.Items.Ids, model.ItemEmbeddings, Keys.Item, batch).ConfigureAwait(false);
        await Run("writing seen items", async () =>
        {
            var pending = new List<Task>();
            for (int u = 0; u < model.Users.Count; u++)
            {
                var seen = model.Seen.ItemsOf(u);
                if (seen.Length == 0) continue;
                var values = new RedisValue[seen.Length];
                for (int j = 0; j < seen.Length; j++) values[j] = model.Items[seen[j]];
                string key = Keys.Seen(model.Users[u]);
                pending.Add(_db.KeyDeleteAsync(key));
                pending.Add(_db.SetAddAsync(key, values));
                if (pending.Count >= batch) { await Task.WhenAll(pending).ConfigureAwait(false); pending.Clear(); }
            }
            await Task.WhenAll(pending).ConfigureAwait(false);
            await _db.HashSetAsync(Keys.Meta,
            [
                new HashEntry("users", model.Users.Count), new HashEntry("items", model.Items.Count), new HashEntry("dimension", Dimension),
            ]).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
    }

    /// <summary>True when a complete upload of this model (its <c>meta</c> hash) is in Redis.</summary>
    public Task<bool> HasModelAsync() => Run("reading the model metadata", () => _db.KeyExistsAsync(Keys.Meta));

    /// <summary>Writes one user's vector (length <see cref="Dimension"/>).</summary>
    public Task SetUserAsync(string userId, ReadOnlySpan<float> vector) => SetVectorAsync(Keys.User(userId), vector);

    /// <summary>Writes one item's vector (length <see cref="Dimension"/>).</summary>
    public Task SetItemAsync(string itemId, ReadOnlySpan<float> vector) => SetVectorAsync(Keys.Item(itemId), vector);

    /// <summary>A user's vector, or null when Redis has none for <paramref name="userId"/>.</summary>
    /// <exception cref="InvalidDataException">The stored value is not <c>4 × Dimension</c> bytes.</exception>
    public Task<float[]?> GetUserAsync(string userId) => GetVectorAsync(Keys.User(userId));

    /// <summary>An item's vector, or null when Redis has none.</summary>
    public Task<float[]?> GetItemAsync(string itemId) => GetVectorAsync(Keys.Item(itemId));

    /// <summary>Adds items to a user's seen set.</summary>
    public Task AddSeenAsync(string userId, IEnumerable<string> itemIds) =>
        Run("adding seen items", () => _db.SetAddAsync(Keys.Seen(userId), itemIds.Select(i => (RedisValue)i).ToArray()));

    /// <summary>A user's seen item ids (empty when none).</summary>
    public Task<string[]> GetSeenAsync(string userId) =>
        Run("reading seen items", async () => (await _db.SetMembersAsync(Keys.Seen(userId)).ConfigureAwait(false)).Select(v => v.ToString()).ToArray());

    /// <summary>The user's vector and seen items in one round trip.</summary>
    public Task<(float[]? Vector, string[] Seen)> GetUserStateAsync(string userId) =>
        Run("reading a user", async () =>
        {
            var batch = _db.CreateBatch();
            var vector = batch.StringGetAsync(Keys.User(userId));
            var seen = batch.SetMembersAsync(Keys.Seen(userId));
            batch.Execute();
            await Task.WhenAll(vector, seen).ConfigureAwait(false);
            return (Decode(Keys.User(userId), await vector.ConfigureAwait(false)), (await seen.ConfigureAwait(false)).Select(v => v.ToString()).ToArray());
        });

    /// <summary>Round-trip time of a <c>PING</c>; throws when Redis is down.</summary>
    public Task<TimeSpan> PingAsync() => Run("pinging", () => _db.PingAsync());

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _redis.Dispose();

    private async Task WriteVectorsAsync(IReadOnlyList<string> ids, EmbeddingTable table, Func<string, string> key, int batch)
    {
        await Run("writing embeddings", async () =>
        {
            var pending = new List<Task>(batch);
            for (int r = 0; r < ids.Count; r++)
            {
                pending.Add(_db.StringSetAsync(key(ids[r]), Encode(table.Values.AsSpan(r * table.Dimension, table.Dimension))));
                if (pending.Count >= batch) { await Task.WhenAll(pending).ConfigureAwait(false); pending.Clear(); }
            }
            await Task.WhenAll(pending).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
    }

    private Task SetVectorAsync(string key, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
            throw new ArgumentException($"The vector has {vector.Length} values but the store holds vectors of {Dimension}.", nameof(vector));
        var value = Encode(vector);
        return Run("writing a vector", () => _db.StringSetAsync(key, value));
    }

    private Task<float[]?> GetVectorAsync(string key) =>
        Run("reading a vector", async () => Decode(key, await _db.StringGetAsync(key).ConfigureAwait(false)));

    private static byte[] Encode(ReadOnlySpan<float> vector)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The Redis vector encoding is little-endian float32; this machine is big-endian.");
        return MemoryMarshal.AsBytes(vector).ToArray();
    }

    private float[]? Decode(string key, RedisValue value)
    {
        if (value.IsNull) return null;
        var bytes = (byte[])value!;
        if (bytes.Length != Dimension * sizeof(float))
            throw new InvalidDataException($"Redis key '{key}' holds {bytes.Length} bytes, not a float32 vector of {Dimension} ({Dimension * sizeof(float)} bytes); it was written by another model or layout.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private async Task<T> Run<T>(string what, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw Unavailable(Endpoint, what, e);
        }
    }

    private async Task Run(string what, Func<Task> action) => await Run(what, async () => { await action().ConfigureAwait(false); return 0; }).ConfigureAwait(false);

    private static EmbeddingStoreUnavailableException Unavailable(string endpoint, string what, Exception e) =>
        new($"Redis at {endpoint} is unavailable ({what} failed: {e.Message.Split('\n')[0].Trim()}). Start redis-server there, check --redis HOST:PORT, or serve without --redis.", e);
}
