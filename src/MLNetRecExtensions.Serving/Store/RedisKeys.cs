namespace MLNetRecExtensions.Serving.Store;

/// <summary>
/// The key layout of <see cref="RedisEmbeddingStore"/>: every key starts with <c>mlnetrec:v1:{modelId}:d{dimension}:</c>
/// (the layout version, the model and the vector length, so two models or two versions never read each other's
/// vectors). Under it: <c>u:{userId}</c> and <c>i:{itemId}</c> hold a vector as raw little-endian float32
/// (<c>4 × dimension</c> bytes), <c>seen:{userId}</c> is a Redis set of item ids, and <c>meta</c> a hash with
/// <c>users</c>, <c>items</c> and <c>dimension</c>, written last (its presence means the upload finished).
/// </summary>
public sealed class RedisKeys
{
    /// <summary>Version of the key layout and value encoding.</summary>
    public const int LayoutVersion = 1;

    /// <summary>The layout of model <paramref name="modelId"/> with vectors of <paramref name="dimension"/> floats.</summary>
    public RedisKeys(string modelId, int dimension)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Prefix = $"mlnetrec:v{LayoutVersion}:{modelId}:d{dimension}:";
    }

    /// <summary>The common prefix.</summary>
    public string Prefix { get; }
    /// <summary>Key of a user's embedding.</summary>
    public string User(string userId) => Prefix + "u:" + userId;
    /// <summary>Key of an item's embedding.</summary>
    public string Item(string itemId) => Prefix + "i:" + itemId;
    /// <summary>Key of a user's set of seen item ids.</summary>
    public string Seen(string userId) => Prefix + "seen:" + userId;
    /// <summary>Key of the model's metadata hash.</summary>
    public string Meta => Prefix + "meta";
}
