using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Tests.Evaluation;

[TestClass]
public sealed class RecommenderComparisonTests
{
    /// <summary>
    /// Wraps an estimator and returns its model after a save/load round trip: a chain of built-in ML.NET transforms
    /// that exposes no embeddings — the situation of ML.NET's own MatrixFactorizationTrainer.
    /// </summary>
    private sealed class ReloadedEstimator(MLContext ml, IEstimator<ITransformer> inner) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input)
        {
            var model = inner.Fit(input);
            using var stream = new MemoryStream();
            ml.Model.Save(model, input.Schema, stream);
            stream.Position = 0;
            return ml.Model.Load(stream, out _);
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
    }

    private static InteractionSplit SmallSplit()
    {
        var synthetic = ColoredGroupsGenerator.Generate(new ColoredGroupsOptions { UserCount = 120, ItemCount = 60, GroupCount = 3, InteractionsPerUser = 10, Seed = 5 });
        return InteractionSplits.StratifiedByUser(synthetic.Interactions, 0.75, 42);
    }

    [TestMethod]
    public void PairScoringPathRanksLikeTheEmbeddingPath()
    {
        var ml = new MLContext(1);
        var board = new RecommenderComparison(ml)
            .Add("typed", ml.Recommenders().Trainers.Popularity())
            .Add("reloaded", new ReloadedEstimator(ml, ml.Recommenders().Trainers.Popularity()))
            .Run(SmallSplit(), "small");
        Assert.AreEqual("embeddings", board.Entries[0].ScoringPath);
        Assert.AreEqual("pairs", board.Entries[1].ScoringPath);
        Assert.AreEqual(board.Entries[0].Ranking with { }, board.Entries[1].Ranking);
        Assert.IsTrue(board.Entries[0].Ranking.Ndcg > 0, "popularity finds some test items on clustered data");
    }

    [TestMethod]
    public void LeaderboardRendersEveryModelAndMetric()
    {
        var ml = new MLContext(1);
        var board = new RecommenderComparison(ml).Add("Popularity", ml.Recommenders().Trainers.Popularity()).Run(SmallSplit(), "small", new ComparisonOptions { K = 5 });
        var markdown = board.ToMarkdown();
        StringAssert.Contains(markdown, "| Model | Precision@5 | Recall@5 | NDCG@5 | MAP |");
        StringAssert.Contains(markdown, "| Popularity | ");
        StringAssert.Contains(board.ToText(), "Popularity");
        Assert.AreEqual(board.Headers.Count, board.Rows[0].Count);
    }

    [TestMethod]
    public void DuplicateModelNamesAndEmptyComparisonsAreRejected()
    {
        var ml = new MLContext(1);
        var comparison = new RecommenderComparison(ml).Add("a", ml.Recommenders().Trainers.Popularity());
        var ex = Assert.ThrowsExactly<ArgumentException>(() => comparison.Add("a", ml.Recommenders().Trainers.Popularity()));
        StringAssert.Contains(ex.Message, "'a'");
        Assert.ThrowsExactly<InvalidOperationException>(() => new RecommenderComparison(ml).Run(SmallSplit(), "small"));
    }
    [TestMethod]
    public void AnHnswIndexOptionRanksThroughTheIndexAndReportsItsRecallAgainstExact()
    {
        var ml = new MLContext(1);
        var als = ml.Recommenders().Trainers.ImplicitAls(new MLNetRecExtensions.Factorization.ImplicitAlsTrainer.Options
        {
            ApproximationRank = 8, NumberOfIterations = 6, NumberOfThreads = 1, Seed = 1,
        });
        var split = SmallSplit();
        var exact = new RecommenderComparison(ml).Add("iALS", als).Run(split, "small");
        var board = new RecommenderComparison(ml).Add("iALS", als).Run(split, "small", new ComparisonOptions
        {
            Index = new MLNetRecExtensions.Retrieval.EmbeddingIndexOptions { Kind = MLNetRecExtensions.Retrieval.EmbeddingIndexKind.Hnsw, BuildThreads = 1 },
        });
        Assert.IsNull(exact.Entries[0].IndexRecall, "no index, no recall column");
        var recall = board.Entries[0].IndexRecall;
        Assert.IsNotNull(recall);
        Assert.IsGreaterThanOrEqualTo(0.95, recall.Value, $"HNSW recall@10 vs exact {recall}");
        Assert.AreEqual(exact.Entries[0].Ranking.Ndcg, board.Entries[0].Ranking.Ndcg, 0.02, "near-exact retrieval keeps the quality");
        StringAssert.Contains(board.ToMarkdown(), "Index recall@10");
        Assert.AreEqual(board.Headers.Count, board.Rows[0].Count);
    }
}
