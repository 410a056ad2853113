using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;
using MLNetRecExtensions.Serving.Http;
using MLNetRecExtensions.Serving.Store;

namespace MLNetRecExtensions.Tests.Serving;

[TestClass]
public sealed class RecommendationServerTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<(RecommendationServer Server, HttpClient Client)> Start(RecommendationService service)
    {
        var server = await RecommendationServer.StartAsync(service, 0);
        return (server, new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) });
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ErrorResponse>(Json))!.Error;

    [TestMethod]
    public async Task EveryEndpointAnswers200AndBadRequestsGet400WithAMessage()
    {
        var model = ServingTestData.Model;
        // A one-thread build gives the same graph every time, so the server's answers can be compared exactly.
        var hnsw = new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw, BuildThreads = 1 };
        using var service = new RecommendationService(model, EmbeddingIndexKind.Hnsw, hnsw: hnsw);
        var expected = model.CreateRecommender(EmbeddingIndexKind.Hnsw, hnsw);
        var (server, client) = await Start(service);
        await using var _ = server;
        using var __ = client;

        var one = await client.GetFromJsonAsync<RecommendResponse>("recommend/user-5?k=7", Json);
        Assert.AreEqual("user-5", one!.User);
        Assert.IsFalse(one.ColdStart);
        CollectionAssert.AreEqual(expected.Recommend("user-5", 7).Items.Select(i => (i.Item, i.Score)).ToArray(), one.Items.Select(i => (i.Item, i.Score)).ToArray());
        Assert.HasCount(10, (await client.GetFromJsonAsync<RecommendResponse>("recommend/user-5", Json))!.Items, "k defaults to 10");

        var cold = await client.GetFromJsonAsync<RecommendResponse>("recommend/somebody-new?k=3", Json);
        Assert.IsTrue(cold!.ColdStart, "unknown user: fallback");
        CollectionAssert.AreEqual(expected.ColdStartItems(3).Select(i => i.Item).ToArray(), cold.Items.Select(i => i.Item).ToArray());

        var batch = await client.PostAsJsonAsync("recommend", new { users = new[] { "user-1", "nobody", "user-1" }, k = 4 });
        Assert.AreEqual(HttpStatusCode.OK, batch.StatusCode);
        var answers = await batch.Content.ReadFromJsonAsync<RecommendResponse[]>(Json);
        Assert.HasCount(3, answers!);
        Assert.IsTrue(answers![1].ColdStart);
        CollectionAssert.AreEqual(answers[0].Items.ToArray(), answers[2].Items.ToArray());

        var similar = await client.GetFromJsonAsync<SimilarResponse>("similar/item-8?k=5", Json);
        Assert.HasCount(5, similar!.Items);
        Assert.IsFalse(similar.Items.Any(i => i.Item == "item-8"), "the item itself is left out");
        Assert.IsTrue(similar.Items.All(i => i.Score is >= -1.0001f and <= 1.0001f), "cosine scores");

        var health = await client.GetFromJsonAsync<HealthResponse>("health", Json);
        Assert.AreEqual("ok", health!.Status);
        Assert.AreEqual("hnsw", health.Index);
        Assert.AreEqual(model.Items.Count, health.Items);

        foreach (var bad in new[] { "recommend/user-5?k=abc", "recommend/user-5?k=0", "recommend/user-5?k=100000", "similar/item-8?k=-1" })
        {
            var r = await client.GetAsync(bad);
            Assert.AreEqual(HttpStatusCode.BadRequest, r.StatusCode, bad);
            StringAssert.Contains(await ErrorOf(r), "k must be", bad);
        }
        var notJson = await client.PostAsync("recommend", new StringContent("{users: nope", Encoding.UTF8, "application/json"));
        Assert.AreEqual(HttpStatusCode.BadRequest, notJson.StatusCode);
        StringAssert.Contains(await ErrorOf(notJson), "not valid JSON");
        var noUsers = await client.PostAsJsonAsync("recommend", new { k = 3 });
        Assert.AreEqual(HttpStatusCode.BadRequest, noUsers.StatusCode);
        StringAssert.Contains(await ErrorOf(noUsers), "\"users\"");
        var tooMany = await client.PostAsJsonAsync("recommend", new { users = Enumerable.Range(0, 1001).Select(i => $"user-{i}").ToArray() });
        Assert.AreEqual(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var unknownItem = await client.GetAsync("similar/no-such-item");
        Assert.AreEqual(HttpStatusCode.NotFound, unknownItem.StatusCode);
        StringAssert.Contains(await ErrorOf(unknownItem), "no-such-item");
    }

    [TestMethod]
    public async Task WithRedisTheAnswersMatchTheInMemoryPathAndAStoppedRedisGives503()
    {
        var model = ServingTestData.Model;
        using var memory = new RecommendationService(model, EmbeddingIndexKind.Exact);
        using var redis = TestRedis.RequireOwn();
        string id = $"http-{Guid.NewGuid():N}"[..20];
        var bundle = new ServingModel(id, model.Users, model.Items, model.UserEmbeddings, model.ItemEmbeddings, model.ItemBiases, model.Seen);
        var store = await RedisEmbeddingStore.ConnectAsync(redis.Endpoint, id, model.Dimension, TimeSpan.FromSeconds(1));
        await store.WriteModelAsync(bundle);
        using var service = new RecommendationService(bundle, EmbeddingIndexKind.Exact, store);
        var (server, client) = await Start(service);
        await using var _ = server;
        using var __ = client;

        foreach (var user in new[] { "user-0", "user-9", "user-77" })
        {
            var fromRedis = await client.GetFromJsonAsync<RecommendResponse>($"recommend/{user}?k=10", Json);
            var fromMemory = await memory.RecommendAsync(user, 10);
            CollectionAssert.AreEqual(fromMemory.Items.ToArray(), fromRedis!.Items.ToArray(), user);
        }
        // History added in Redis is excluded at once, without reloading the model.
        var top = (await service.RecommendAsync("user-9", 3)).Items[0].Item;
        await store.AddSeenAsync("user-9", [top]);
        Assert.IsFalse((await client.GetFromJsonAsync<RecommendResponse>("recommend/user-9?k=3", Json))!.Items.Any(i => i.Item == top));
        Assert.IsTrue((await client.GetFromJsonAsync<RecommendResponse>("recommend/new-user?k=3", Json))!.ColdStart);
        var batch = await client.PostAsJsonAsync("recommend", new { users = new[] { "user-0", "new-user" }, k = 2 });
        Assert.AreEqual(HttpStatusCode.OK, batch.StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);

        redis.Dispose(); // Redis stops under the running server
        var down = await client.GetAsync("recommend/user-0?k=10").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        StringAssert.Contains(await ErrorOf(down), redis.Endpoint);
        var health = await client.GetAsync("health").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.AreEqual("degraded", (await health.Content.ReadFromJsonAsync<HealthResponse>(Json))!.Status);
    }

    [TestMethod]
    public async Task StopLetsTheServerShutDownAndFreesThePort()
    {
        using var service = new RecommendationService(ServingTestData.Model, EmbeddingIndexKind.Exact);
        var server = await RecommendationServer.StartAsync(service, 0);
        using var client = new HttpClient { BaseAddress = server.Address };
        Assert.AreEqual(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);
        var shutdown = server.WaitForShutdownAsync();
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await shutdown.WaitAsync(TimeSpan.FromSeconds(20));
        await server.DisposeAsync();
        await Assert.ThrowsExactlyAsync<HttpRequestException>(() => client.GetAsync("health"));
    }
}
