using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.ML;
using MLNetRecExtensions.Cli;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;
using MLNetRecExtensions.Serving.Http;
using MLNetRecExtensions.Tests.TwoTower;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Tests.Serving;

/// <summary>One path from <c>mlnet-rec recommendation</c> to <c>mlnet-rec serve</c>: the model.zip it writes holds the serving bundle.</summary>
[TestClass]
public sealed class ModelZipServingTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Two groups: users 0–29 take items 0–19 (group A), users 30–59 items 20–39 (group B); ids "u{n}" / "i{n}".
    private static InteractionData WithIds(InteractionData d) =>
        new(d.UserCount, d.ItemCount, d.Users, d.Items, d.Labels, null,
            Enumerable.Range(0, d.UserCount).Select(u => $"u{u}").ToArray(), Enumerable.Range(0, d.ItemCount).Select(i => $"i{i}").ToArray());

    private static int[] Bits(float[] v) => v.Select(BitConverter.SingleToInt32Bits).ToArray();

    [TestMethod]
    public async Task TwoTowerModelZipServesKnownUsersAndEmbedsNewUsersWithItsUserTower()
    {
        var ml = new MLContext(1);
        var data = WithIds(TwoTowerTestData.TwoGroups());
        var model = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions { EmbeddingDimension = 8, NumberOfEpochs = 15, BatchSize = 32, LearningRate = 0.02f, Seed = 5 })
            .Fit(data.ToDataView(ml));
        var recommender = (EmbeddingRecommender<string, string>)Recommender.Create(ml, model, data);
        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-modelzip-{Guid.NewGuid():N}.zip");
        try
        {
            ModelFile.Save(ml, recommender, 5, path); // what mlnet-rec recommendation writes
            Assert.IsNotNull(ml.Model.Load(path, out _), "plain ML.NET still loads the model (it ignores the bundle entry)");
            var bundle = ServingModel.Load(path);
            Assert.IsTrue(bundle.HasUserTower);
            StringAssert.StartsWith(bundle.ModelId, "twotower-");
            Assert.AreEqual(60, bundle.Users.Count);

            // The bundle's tower gives the transformer's own new-user vector, bit for bit.
            int[] history = [21, 24, 30];
            var fromBundle = bundle.EmbedHistory(history, []);
            Assert.IsFalse(fromBundle.IsFallback);
            CollectionAssert.AreEqual(Bits(model.EmbedHistory(history, []).Vector), Bits(fromBundle.Vector));
            Assert.IsTrue(bundle.EmbedHistory([], []).IsFallback);

            using var service = new RecommendationService(bundle, EmbeddingIndexKind.Hnsw);
            await using var server = await RecommendationServer.StartAsync(service, 0);
            using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };

            var known = await client.GetFromJsonAsync<RecommendResponse>("recommend/u5?k=5", Json);
            CollectionAssert.AreEqual(recommender.Recommend("u5", 5).Items.Select(i => i.Item).ToArray(), known!.Items.Select(i => i.Item).ToArray());

            // A new user with group-B items: embedded by the tower, served through the HNSW index, given items left out.
            var response = await client.PostAsJsonAsync("recommend/new", new { items = new[] { "i21", "i24", "i30", "no-such-item" }, k = 5 });
            Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
            var fresh = (await response.Content.ReadFromJsonAsync<NewUserResponse>(Json))!;
            Assert.IsFalse(fresh.ColdStart);
            var expected = recommender.RecommendForItems(["i21", "i24", "i30"], 5);
            CollectionAssert.AreEqual(expected.Items.Select(i => i.Item).ToArray(), fresh.Items.Select(i => i.Item).ToArray());
            foreach (var item in fresh.Items)
            {
                Assert.IsGreaterThanOrEqualTo(20, int.Parse(item.Item[1..]), $"a group-B history got {item.Item}");
                Assert.DoesNotContain(item.Item, new[] { "i21", "i24", "i30" });
            }

            // No known item: the cold-start list; a body without an items array: 400.
            var cold = await (await client.PostAsJsonAsync("recommend/new", new { items = new[] { "nothing" } })).Content.ReadFromJsonAsync<NewUserResponse>(Json);
            Assert.IsTrue(cold!.ColdStart);
            Assert.HasCount(10, cold.Items);
            var bad = await client.PostAsJsonAsync("recommend/new", new { items = 3 });
            Assert.AreEqual(HttpStatusCode.BadRequest, bad.StatusCode);
            StringAssert.Contains(await bad.Content.ReadAsStringAsync(), "items");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ModelZipWithoutEmbeddingsIsRefusedWithTheReasonAndTheFix()
    {
        var ml = new MLContext(1);
        var data = WithIds(TwoTowerTestData.TwoGroups());
        var popularity = ml.Recommenders().Trainers.Popularity().Fit(data.ToDataView(ml));
        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-modelzip-{Guid.NewGuid():N}.zip");
        try
        {
            ModelFile.Save(ml, Recommender.Create(ml, popularity, data), 5, path);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => ServingModel.Load(path));
            StringAssert.Contains(e.Message, path);
            StringAssert.Contains(e.Message, "embedding model");
            StringAssert.Contains(e.Message, "--models ials,mf,twotower");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
