using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Ranking;
using static MLNetRecExtensions.Tests.TwoStage.TwoStageTestData;

namespace MLNetRecExtensions.Tests.TwoStage;

[TestClass]
public sealed class TwoStageRecommenderTests
{
    private static IEstimator<ITransformer> SmallAls(MLContext ml) => ml.Recommenders().Trainers.ImplicitAls(
        new ImplicitAlsTrainer.Options { ApproximationRank = 8, NumberOfIterations = 5, NumberOfThreads = 1, Seed = 3 });

    [TestMethod]
    public void RankerReturningTheCandidateScoreReproducesTheGeneratorExactly()
    {
        var ml = new MLContext(1);
        var split = InteractionSplits.StratifiedByUser(HiddenGenre(users: 60, items: 80, perUser: 20), 0.75, 5);
        var progress = new ListProgress<TwoStageProgress>();
        var options = new TwoStageOptions { CandidateCount = 30, K = 10, Progress = progress };
        var report = new TwoStageRecommender(ml, SmallAls(ml), CopyCandidateScore(ml, PairFeatureBuilder.CoreFeatureCount), options)
            .Evaluate(split);

        var serving = report.Serving;
        Assert.AreEqual(60, serving.Users.Count);
        for (int q = 0; q < serving.Users.Count; q++)
            CollectionAssert.AreEqual(serving.Candidates[q].Take(10).ToArray(), serving.Reranked[q], $"user {serving.Users[q]}");
        Assert.AreEqual(report.CandidateGenerator, report.Reranked);
        Assert.IsTrue(report.CandidateRecall >= report.Reranked.Recall, "recall@30 of the candidates bounds recall@10");
        CollectionAssert.AreEqual(Enum.GetValues<TwoStageStage>(), progress.Reports.Select(p => p.Stage).ToArray());
    }

    [TestMethod]
    public void RankerLabelsComeOnlyFromTheLabelPartAndTestInteractionsAreNeverSeen()
    {
        var ml = new MLContext(1);
        var split = InteractionSplits.StratifiedByUser(HiddenGenre(users: 60, items: 80, perUser: 20), 0.75, 5);
        var generatorInputs = new List<InteractionData>();
        var rankerRows = new List<(uint User, uint Item, float Label)>();
        var generator = new RecordingEstimator(SmallAls(ml), view => generatorInputs.Add(InteractionData.FromDataView(view)));
        var ranker = new RecordingEstimator(CopyCandidateScore(ml, PairFeatureBuilder.CoreFeatureCount), view =>
            rankerRows.AddRange(view.GetColumn<uint>(PairFeatureColumns.User).Zip(view.GetColumn<uint>(PairFeatureColumns.Item),
                view.GetColumn<float>(PairFeatureColumns.Label)).Select(r => (r.First, r.Second, r.Third))));
        var recommender = new TwoStageRecommender(ml, generator, ranker, new TwoStageOptions { CandidateCount = 30 });
        var report = recommender.Evaluate(split);

        var (basePart, labelPart) = recommender.SplitForRanker(split.Train);
        var baseMatrix = UserItemMatrix.FromInteractions(basePart);
        var labelMatrix = UserItemMatrix.FromInteractions(labelPart);
        var test = UserItemMatrix.FromInteractions(split.Test);
        // Base and label parts partition the training rows.
        Assert.AreEqual(split.Train.Count, basePart.Count + labelPart.Count);
        Assert.IsTrue(labelPart.Count > 0);

        // The generator is fitted on the base part, then refitted on all training data; never on a test pair.
        Assert.AreEqual(2, generatorInputs.Count);
        CollectionAssert.AreEqual(Pairs(basePart), Pairs(generatorInputs[0]));
        CollectionAssert.AreEqual(Pairs(split.Train), Pairs(generatorInputs[1]));
        foreach (var input in generatorInputs)
            for (int r = 0; r < input.Count; r++)
                Assert.IsFalse(test.Contains(input.Users[r], input.Items[r]), "a test interaction reached the generator");

        // Ranker rows: candidates of the base-part generator (base items excluded), label 1 exactly for label-part pairs.
        Assert.AreEqual(report.Training.RankerRows, rankerRows.Count);
        int positives = 0;
        foreach (var (userKey, itemKey, label) in rankerRows)
        {
            int u = (int)userKey - 1, i = (int)itemKey - 1;
            Assert.IsFalse(baseMatrix.Contains(u, i), "a base item was offered as a training candidate");
            Assert.AreEqual(labelMatrix.Contains(u, i) ? 1f : 0f, label);
            if (label > 0) { positives++; Assert.IsFalse(test.Contains(u, i)); }
        }
        Assert.AreEqual(report.Training.RankerPositives, positives);
        Assert.IsTrue(positives > 0);
    }

    [TestMethod]
    public void FastTreeRerankingFindsTheHiddenGenreThePopularityGeneratorMisses()
    {
        var split = InteractionSplits.StratifiedByUser(HiddenGenre(), 0.75, 11);
        TwoStageReport Run()
        {
            var ml = new MLContext(1);
            var options = new TwoStageOptions { CandidateCount = 100, K = 10, FeatureSources = [new LikedGenreSource()] };
            var ranker = ml.Ranking.Trainers.FastTree(labelColumnName: PairFeatureColumns.Label,
                featureColumnName: PairFeatureColumns.Features, rowGroupColumnName: PairFeatureColumns.GroupId, numberOfTrees: 30);
            return new TwoStageRecommender(ml, ml.Recommenders().Trainers.Popularity(), ranker, options).Evaluate(split);
        }

        var report = Run();
        // Two thirds of each user's items come from its liked genre (an eighth of the catalog): an unseen liked item is a
        // test item with probability ≈ 0.24, the most popular unseen item only ≈ 0.1, and popularity ignores genres
        // (7 of 8 of its picks are not liked). Moving liked-genre candidates up should about double the hits.
        // Measured: 0.30 vs 0.13.
        Assert.IsTrue(report.Reranked.Ndcg > 1.5 * report.CandidateGenerator.Ndcg && report.Reranked.Ndcg > report.CandidateGenerator.Ndcg + 0.1,
            $"re-ranked NDCG@10 {report.Reranked.Ndcg:F4} vs popularity {report.CandidateGenerator.Ndcg:F4}");
        Assert.IsTrue(report.Reranked.Recall > report.CandidateGenerator.Recall);

        var again = Run();
        for (int q = 0; q < report.Serving.Users.Count; q++)
            CollectionAssert.AreEqual(report.Serving.Reranked[q], again.Serving.Reranked[q], "same seed, same lists");
    }

    [TestMethod]
    public void WideAndDeepRerankingFindsTheHiddenGenre()
    {
        // As above with Wide & Deep as the ranker: wide = pair features, deep = the same plus user and item embeddings.
        var split = InteractionSplits.StratifiedByUser(HiddenGenre(), 0.75, 11);
        var ml = new MLContext(1);
        var options = new TwoStageOptions { CandidateCount = 100, K = 10, FeatureSources = [new LikedGenreSource()] };
        var ranker = ml.Recommenders().Trainers.WideAndDeep(new WideAndDeepOptions
        {
            LabelColumnName = PairFeatureColumns.LabelBool, WideFeatureColumnName = PairFeatureColumns.Features,
            ContinuousColumnNames = [PairFeatureColumns.Features], CategoricalColumnNames = [PairFeatureColumns.User, PairFeatureColumns.Item],
            NumberOfEpochs = 5, Seed = 3,
        });
        var report = new TwoStageRecommender(ml, ml.Recommenders().Trainers.Popularity(), ranker, options).Evaluate(split);
        Assert.IsTrue(report.Reranked.Ndcg > report.CandidateGenerator.Ndcg + 0.1,
            $"re-ranked NDCG@10 {report.Reranked.Ndcg:F4} vs popularity {report.CandidateGenerator.Ndcg:F4}");
    }

    [TestMethod]
    public void ComparisonHarnessScoresTheTwoStagePipelineLikeItsOwnEvaluation()
    {
        var split = InteractionSplits.StratifiedByUser(HiddenGenre(), 0.75, 11);
        TwoStageRecommender Create(MLContext ml) => new(ml, ml.Recommenders().Trainers.Popularity(),
            ml.Ranking.Trainers.FastTree(labelColumnName: PairFeatureColumns.Label, featureColumnName: PairFeatureColumns.Features,
                rowGroupColumnName: PairFeatureColumns.GroupId, numberOfTrees: 30),
            new TwoStageOptions { CandidateCount = 100, K = 10, FeatureSources = [new LikedGenreSource()] });
        var own = Create(new MLContext(1)).Evaluate(split);
        var ml = new MLContext(1);
        var board = new RecommenderComparison(ml)
            .Add("popularity", ml.Recommenders().Trainers.Popularity())
            .Add("two-stage", Create(ml))
            .Run(split, "hidden genre");
        Assert.AreEqual("own", board.Entries[1].ScoringPath);
        Assert.AreEqual(own.Reranked.Ndcg, board.Entries[1].Ranking.Ndcg, 1e-12);
        Assert.AreEqual(own.CandidateGenerator.Ndcg, board.Entries[0].Ranking.Ndcg, 1e-12);
        Assert.IsTrue(board.Entries[1].Ranking.Ndcg > board.Entries[0].Ranking.Ndcg + 0.1);
    }

    [TestMethod]
    public void BadInputsThrowClearExceptions()
    {
        var ml = new MLContext(1);
        var train = HiddenGenre(users: 20, items: 40, perUser: 10);
        var copy = CopyCandidateScore(ml, PairFeatureBuilder.CoreFeatureCount);

        var noEmbeddings = new TwoStageRecommender(ml, ml.Transforms.CopyColumns("LabelCopy", "Label"), copy);
        var e1 = Assert.ThrowsExactly<InvalidOperationException>(() => noEmbeddings.Fit(train));
        StringAssert.Contains(e1.Message, "ColumnCopyingTransformer");
        StringAssert.Contains(e1.Message, "IEmbeddingModel");

        var e2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TwoStageRecommender(ml, SmallAls(ml), copy, new TwoStageOptions { CandidateCount = 5, K = 10 }));
        StringAssert.Contains(e2.Message, "below K = 10");

        var noScore = new TwoStageRecommender(ml, SmallAls(ml), ml.Transforms.CopyColumns("NotScore", PairFeatureColumns.Label),
            new TwoStageOptions { CandidateCount = 20 });
        var e3 = Assert.ThrowsExactly<InvalidOperationException>(() => noScore.Fit(train));
        StringAssert.Contains(e3.Message, "Single column 'Score'");

        var model = new TwoStageRecommender(ml, SmallAls(ml), copy, new TwoStageOptions { CandidateCount = 20 }).Fit(train);
        var e4 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Recommend([0], 21));
        StringAssert.Contains(e4.Message, "N = 20");

        var temporal = new TwoStageRecommender(ml, SmallAls(ml), copy, new TwoStageOptions { LabelSplit = TwoStageLabelSplit.TemporalPerUser });
        Assert.ThrowsExactly<InvalidOperationException>(() => temporal.Fit(train));

        var e5 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TwoStageRecommender(ml, SmallAls(ml), copy, new TwoStageOptions { RankerLabelFraction = 1 }));
        StringAssert.Contains(e5.Message, "RankerLabelFraction");
    }

    private static (int, int)[] Pairs(InteractionData data) =>
        data.Users.Zip(data.Items).OrderBy(p => p.First).ThenBy(p => p.Second).ToArray();
}
