using MLNetRecExtensions.Serving.Store;

namespace MLNetRecExtensions.Tests.Serving;

[TestClass]
public sealed class RedisEmbeddingStoreTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(15);

    [TestMethod]
    public async Task EmbeddingsRoundTripBitIdenticalUnderVersionedKeys()
    {
        var model = ServingTestData.Model;
        string id = $"rt-{Guid.NewGuid():N}"[..20];
        using var store = await RedisEmbeddingStore.ConnectAsync(TestRedis.Endpoint, id, model.Dimension);
        Assert.AreEqual($"mlnetrec:v1:{id}:d{model.Dimension}:", store.Keys.Prefix);
        Assert.IsFalse(await store.HasModelAsync());
        var serving = new MLNetRecExtensions.Serving.Bundle.ServingModel(id, model.Users, model.Items, model.UserEmbeddings, model.ItemEmbeddings, model.ItemBiases, model.Seen);
        await store.WriteModelAsync(serving, batch: 50);
        Assert.IsTrue(await store.HasModelAsync());
        for (int u = 0; u < model.Users.Count; u++)
        {
            var v = await store.GetUserAsync(model.Users[u]);
            Assert.IsNotNull(v);
            CollectionAssert.AreEqual(BitsOf(model.UserEmbeddings.Row(u).ToArray()), BitsOf(v), $"user {u}: bit-identical");
        }
        var item = await store.GetItemAsync(model.Items[17]);
        CollectionAssert.AreEqual(BitsOf(model.ItemEmbeddings.Row(17).ToArray()), BitsOf(item!));
        var seen = (await store.GetSeenAsync("user-3")).Order(StringComparer.Ordinal).ToArray();
        var expected = model.Seen.ItemsOf(3).ToArray().Select(i => model.Items[i]).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(expected, seen);
        Assert.IsNull(await store.GetUserAsync("nobody"));
        Assert.IsEmpty(await store.GetSeenAsync("nobody"));

        // Special values survive too (NaN payload, -0, subnormal, infinity).
        float[] odd = [float.NaN, -0f, float.Epsilon, float.PositiveInfinity, 1e-38f, -3.4e38f, 0.1f, 1f];
        var wide = new float[model.Dimension];
        odd.AsSpan(0, Math.Min(odd.Length, wide.Length)).CopyTo(wide);
        await store.SetUserAsync("odd", wide);
        CollectionAssert.AreEqual(BitsOf(wide), BitsOf((await store.GetUserAsync("odd"))!));

        // Another dimension is another key space: the 8-dim vectors are invisible to a 16-dim store.
        using var other = await RedisEmbeddingStore.ConnectAsync(TestRedis.Endpoint, id, model.Dimension * 2);
        Assert.IsNull(await other.GetUserAsync("user-0"));
        Assert.ThrowsExactly<ArgumentException>(() => store.SetUserAsync("x", new float[model.Dimension + 1]));
    }

    [TestMethod]
    public async Task NothingListeningGivesAClearErrorQuickly()
    {
        string endpoint = $"127.0.0.1:{TestRedis.FreePort()}";
        var e = await Assert.ThrowsExactlyAsync<EmbeddingStoreUnavailableException>(
            () => RedisEmbeddingStore.ConnectAsync(endpoint, "m", 4, TimeSpan.FromSeconds(1)).WaitAsync(NoHang));
        StringAssert.Contains(e.Message, endpoint);
        StringAssert.Contains(e.Message, "redis-server");
        Assert.ThrowsExactly<ArgumentException>(() => RedisEmbeddingStore.ConnectAsync("no-port", "m", 4).GetAwaiter().GetResult());
    }

    [TestMethod]
    public async Task StoppedRedisGivesAClearErrorNotAHang()
    {
        var redis = TestRedis.RequireOwn();
        using var store = await RedisEmbeddingStore.ConnectAsync(redis.Endpoint, "stop-test", 4, TimeSpan.FromSeconds(1));
        await store.SetUserAsync("u", [1f, 2f, 3f, 4f]);
        Assert.IsNotNull(await store.GetUserAsync("u"));
        redis.Dispose(); // kill redis-server
        var e = await Assert.ThrowsExactlyAsync<EmbeddingStoreUnavailableException>(() => store.GetUserAsync("u").WaitAsync(NoHang));
        StringAssert.Contains(e.Message, redis.Endpoint);
        StringAssert.Contains(e.Message, "unavailable");
    }

    private static int[] BitsOf(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
