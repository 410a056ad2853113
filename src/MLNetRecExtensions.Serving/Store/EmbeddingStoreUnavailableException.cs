namespace MLNetRecExtensions.Serving.Store;

/// <summary>
/// The Redis embedding store cannot be reached (not running, wrong address, connection lost, or a command timed
/// out). The message names the endpoint and the fix; the server answers 503 with it.
/// </summary>
public sealed class EmbeddingStoreUnavailableException : Exception
{
    /// <summary>Creates the exception with a message and the Redis client's error.</summary>
    public EmbeddingStoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
