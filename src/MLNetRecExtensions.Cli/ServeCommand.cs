using System.Globalization;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;
using MLNetRecExtensions.Serving.Http;
using MLNetRecExtensions.Serving.Store;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>mlnet-rec serve --model model.zip [--index exact|hnsw] [--redis HOST:PORT] [--port 5080] [--ef N]</c>: serves the
/// model.zip of <c>mlnet-rec recommendation</c> (when it chose an embedding model: the bundle inside it, HNSW graph
/// built at start) or a serving bundle (<c>mlnet-rec serve-export</c>) over HTTP (see <see cref="RecommendationServer"/> for the
/// endpoints) until Ctrl+C or SIGTERM. With <c>--redis</c>, user embeddings and seen items are read from Redis; the
/// bundle is uploaded there first when Redis does not hold this model yet.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Help of <c>serve</c> (the parsing lives in <see cref="Run"/>).</summary>
    public static readonly CommandSpec Spec = new("serve", "serve a model.zip or serving bundle over HTTP (recommend, new users, batch, similar items, health)",
        [
            new("--model", "FILE", "required", "model.zip of mlnet-rec recommendation (an embedding model), or a bundle of serve-export"),
            new("--index", "I", "exact", "exact | hnsw (the bundle's saved graph when present)"),
            new("--redis", "HOST:PORT", "none", "read user embeddings and seen items from Redis (uploaded first when missing)"),
            new("--port", "N", "5080", "port to listen on (0 = a free port)"),
            new("--host", "H", "127.0.0.1", "address to listen on"),
            new("--ef", "N", "128", "HNSW search expansion"),
        ]);

    public const string Usage = "usage: mlnet-rec serve --model MODEL.zip [--index exact|hnsw] [--redis HOST:PORT] [--port 5080] [--host 127.0.0.1] [--ef 128]";

    public static int Run(IReadOnlyList<string> args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? model = null, redis = null, host = "127.0.0.1";
        var kind = EmbeddingIndexKind.Exact;
        int port = 5080, ef = new EmbeddingIndexOptions().ExpansionSearch;
        for (int a = 0; a < args.Count; a++)
        {
            string name = args[a];
            string Value() => a + 1 < args.Count ? args[++a] : throw new UsageException($"option {name} needs a value");
            switch (name)
            {
                case "--model": model = Value(); break;
                case "--index":
                    kind = Value() switch
                    {
                        "exact" => EmbeddingIndexKind.Exact,
                        "hnsw" => EmbeddingIndexKind.Hnsw,
                        var other => throw new UsageException($"--index must be exact or hnsw, got '{other}'"),
                    };
                    break;
                case "--redis": redis = Value(); break;
                case "--host": host = Value(); break;
                case "--port": port = Number(name, Value(), 0, 65535); break;
                case "--ef": ef = Number(name, Value(), 1, 100_000); break;
                default: throw new UsageException($"unknown option '{name}'; {Usage}");
            }
        }
        if (model == null) throw new UsageException($"--model is required; {Usage}");
        if (!File.Exists(model)) throw new UsageException($"--model: file not found: {model}");

        ServingModel bundle;
        try
        {
            bundle = ServingModel.Load(model);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--model: {e.Message}");
        }
        Console.WriteLine($"mlnet-rec serve: model '{bundle.ModelId}' ({bundle.Users.Count} users, {bundle.Items.Count} items, dimension {bundle.Dimension}), index {kind.ToString().ToLowerInvariant()}");
        RedisEmbeddingStore? store = null;
        try
        {
            if (redis != null)
            {
                store = await RedisEmbeddingStore.ConnectAsync(redis, bundle.ModelId, bundle.Dimension).ConfigureAwait(false);
                if (!await store.HasModelAsync().ConfigureAwait(false))
                {
                    Console.WriteLine($"uploading embeddings and seen items to Redis at {redis} under {store.Keys.Prefix}");
                    await store.WriteModelAsync(bundle).ConfigureAwait(false);
                }
            }
        }
        catch (EmbeddingStoreUnavailableException e)
        {
            store?.Dispose();
            Console.Error.WriteLine($"mlnet-rec: {e.Message}");
            return 1;
        }
        using var service = new RecommendationService(bundle, kind, store, new EmbeddingIndexOptions { Kind = kind, ExpansionSearch = ef });
        service.Warm();
        await using var server = await RecommendationServer.StartAsync(service, port, host, message => Console.Error.WriteLine(message)).ConfigureAwait(false);
        Console.WriteLine($"listening on {server.Address} (GET /recommend/{{userId}}?k=10, POST /recommend, POST /recommend/new{(bundle.HasUserTower ? "" : " (cold start: no user tower)")}, GET /similar/{{itemId}}?k=10, GET /health); Ctrl+C stops");
        await server.WaitForShutdownAsync().ConfigureAwait(false);
        Console.WriteLine("stopped");
        return 0;
    }

    private static int Number(string option, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v : throw new UsageException($"{option} must be an integer in {min}..{max}, got '{value}'");
}
