using System.Globalization;
using System.Text.Json;
using MLNetRecExtensions.Serving.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MLNetRecExtensions.Serving.Http;

/// <summary>
/// The HTTP face of a <see cref="RecommendationService"/>: an ASP.NET Core minimal API on Kestrel.
/// <list type="bullet">
/// <item><c>GET /recommend/{userId}?k=10</c> → <see cref="RecommendResponse"/> (unknown user: the cold-start list, <c>coldStart: true</c>).</item>
/// <item><c>POST /recommend</c> with <see cref="BatchRequest"/> <c>{"users": [...], "k": 10}</c> → an array of <see cref="RecommendResponse"/>.</item>
/// <item><c>POST /recommend/new</c> with <see cref="NewUserRequest"/> <c>{"items": [...], "k": 10}</c> → <see cref="NewUserResponse"/>: a new user embedded from their items by the two-tower user tower.</item>
/// <item><c>GET /similar/{itemId}?k=10</c> → <see cref="SimilarResponse"/>; 404 for an item not in the catalog.</item>
/// <item><c>GET /health</c> → <see cref="HealthResponse"/> (503 when Redis is configured and down).</item>
/// </list>
/// k defaults to 10 and must be 1..1000. A bad request (k not a number or out of range, a body that is not the
/// JSON above, too many users) gets 400 with <see cref="ErrorResponse"/>; Redis down gets 503 with its message.
/// Stopping (Ctrl+C, SIGTERM or <see cref="StopAsync"/>) lets in-flight requests finish (up to 10 s).
/// </summary>
public sealed class RecommendationServer : IAsyncDisposable
{
    private const int DefaultK = 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly WebApplication _app;

    private RecommendationServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The base address listened on, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts serving <paramref name="service"/> on <paramref name="host"/>:<paramref name="port"/> (port 0 = a free
    /// port; read <see cref="Address"/>). <paramref name="log"/> receives request errors (null: none).
    /// </summary>
    /// <exception cref="IOException">The port is in use.</exception>
    public static async Task<RecommendationServer> StartAsync(RecommendationService service, int port, string host = "127.0.0.1", Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var app = builder.Build();
        Map(app, service, log);
        await app.StartAsync().ConfigureAwait(false);
        var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return new RecommendationServer(app, address);
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops accepting requests and lets in-flight ones finish.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Stops and disposes the host.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void Map(WebApplication app, RecommendationService service, Action<string>? log)
    {
        app.MapGet("/recommend/{userId}", (string userId, HttpRequest request) =>
            Guard(log, async () => Results.Json(await service.RecommendAsync(userId, ParseK(request)).ConfigureAwait(false), Json)));

        app.MapPost("/recommend", (HttpRequest request) => Guard(log, async () =>
        {
            var body = await ReadBody<BatchRequest>(request, "users", "user").ConfigureAwait(false);
            var users = Ids(body?.Users, "users", "user");
            return Results.Json(await service.RecommendBatchAsync(users, body!.K ?? DefaultK).ConfigureAwait(false), Json);
        }));

        app.MapPost("/recommend/new", (HttpRequest request) => Guard(log, async () =>
        {
            var body = await ReadBody<NewUserRequest>(request, "items", "item").ConfigureAwait(false);
            var items = Ids(body?.Items, "items", "item");
            return Results.Json(service.RecommendNewUser(items, body!.K ?? DefaultK), Json);
        }));

        app.MapGet("/similar/{itemId}", (string itemId, HttpRequest request) =>
            Guard(log, () => Task.FromResult(Results.Json(service.Similar(itemId, ParseK(request)), Json))));

        app.MapGet("/health", () => Guard(log, async () =>
        {
            var health = await service.HealthAsync().ConfigureAwait(false);
            return Results.Json(health, Json, statusCode: health.Error == null ? 200 : 503);
        }));
    }

    // The body {"<array>": ["<kind>1", ...], "k": 10} of the POST endpoints.
    private static async Task<T?> ReadBody<T>(HttpRequest request, string array, string kind)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Json).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"The body is not valid JSON of the form {Form(array, kind)}: {e.Message}");
        }
    }

    private static IReadOnlyList<string> Ids(IReadOnlyList<string>? ids, string array, string kind)
    {
        if (ids == null)
            throw new BadRequestException($"The body must be {Form(array, kind)} with an \"{array}\" array of {kind} ids.");
        if (ids.Any(i => i is null))
            throw new BadRequestException($"\"{array}\" holds a null; every entry must be {(kind == "item" ? "an" : "a")} {kind} id string.");
        return ids;
    }

    private static string Form(string array, string kind) => $"{{\"{array}\": [\"{kind[0]}1\", ...], \"k\": 10}}";

    private static int ParseK(HttpRequest request)
    {
        var values = request.Query["k"];
        if (values.Count == 0) return DefaultK;
        if (values.Count > 1 || !int.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int k))
            throw new BadRequestException($"k must be one integer between 1 and {RecommendationService.MaxK}; got '{string.Join(",", values.ToArray())}'.");
        return k;
    }

    // Maps the service's exceptions to status codes with an {"error": ...} body.
    private static async Task<IResult> Guard(Action<string>? log, Func<Task<IResult>> handle)
    {
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            return Error(400, e.Message);
        }
        catch (ArgumentOutOfRangeException e)
        {
            return Error(400, e.Message.Split(" (Parameter")[0]);
        }
        catch (KeyNotFoundException e)
        {
            return Error(404, e.Message);
        }
        catch (EmbeddingStoreUnavailableException e)
        {
            log?.Invoke(e.Message);
            return Error(503, e.Message);
        }
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), Json, statusCode: status);

    private sealed class BadRequestException(string message) : Exception(message);
}
