using MLNetRecExtensions.Sessions;

namespace MLNetRecExtensions.Tests.Sessions;

[TestClass]
public sealed class SessionBatchingTests
{
    [TestMethod]
    public void EveryTrainingEventIsUsedExactlyOncePerEpochAndStatesStartAtSessionStarts()
    {
        var data = SessionTestData.Ring(sessions: 23, items: 9, seed: 1, minLength: 2, maxLength: 7);
        var batcher = new SessionBatcher(data, 4);
        var seen = new int[data.EventCount];
        // Track which session each row holds to check that a row's state only ever continues its own session.
        var rowSession = new int[4];
        var rowPosition = new int[4];
        int step = 0;
        while (batcher.Next())
        {
            var previousSession = rowSession.ToArray();
            var previousPosition = rowPosition.ToArray();
            for (int r = 0; r < batcher.Count; r++)
            {
                int src = batcher.Source[r];
                int session, position;
                if (src < 0)
                {
                    // New session: find the first unseen session start whose first item is the input.
                    session = Enumerable.Range(0, data.SessionCount).First(s => seen[data.Offsets[s]] == 0 && data.Items[data.Offsets[s]] == batcher.Inputs[r]);
                    position = data.Offsets[session];
                }
                else
                {
                    Assert.IsGreaterThanOrEqualTo(r, src, "sources only move rows down");
                    session = previousSession[src];
                    position = previousPosition[src] + 1;
                    Assert.IsLessThan(data.Offsets[session + 1] - 1, position, $"step {step}: row {r} continued past its session's end (state leak)");
                }
                Assert.AreEqual(data.Items[position], batcher.Inputs[r], $"step {step} row {r}: input");
                Assert.AreEqual(data.Items[position + 1], batcher.Targets[r], $"step {step} row {r}: target");
                seen[position]++;
                rowSession[r] = session;
                rowPosition[r] = position;
            }
            step++;
        }
        for (int s = 0; s < data.SessionCount; s++)
            for (int e = data.Offsets[s]; e < data.Offsets[s + 1]; e++)
                Assert.AreEqual(e < data.Offsets[s + 1] - 1 ? 1 : 0, seen[e], $"session {s} event {e}");
    }

    [TestMethod]
    public void TheTrainerUsesEveryExampleOncePerEpoch()
    {
        var data = SessionTestData.Ring(sessions: 40, items: 12, seed: 2);
        var options = SessionTestData.SmallOptions().ValidatedCopy();
        options.NumberOfEpochs = 1;
        var trainer = new Gru4RecTrainer(options, data);
        trainer.RunEpoch(data, out long events);
        Assert.AreEqual(data.ExampleCount, events);
        trainer.RunEpoch(data, out events);
        Assert.AreEqual(data.ExampleCount, events);
    }

    [TestMethod]
    public void HiddenStateNeverLeaksAcrossSessionsAtPrediction()
    {
        var data = SessionTestData.Ring(sessions: 60, items: 10, seed: 3);
        var model = Gru4RecEstimator.Train(data, SessionTestData.SmallOptions());
        // Scores of session s replayed alone must equal its scores inside a batch of 5 parallel sessions.
        var test = SessionTestData.Ring(sessions: 9, items: 10, seed: 4, minLength: 2, maxLength: 8);
        var batched = Replay(model, test, 5);
        var alone = Replay(model, test, 1);
        Assert.HasCount(alone.Count, batched);
        foreach (var (key, scores) in alone)
            CollectionAssert.AreEqual(scores, batched[key], $"event {key}");
    }

    // Scores after every input event, keyed by the event's index in the data.
    private static Dictionary<int, float[]> Replay(Gru4RecModel model, SessionData data, int batch)
    {
        var result = new Dictionary<int, float[]>();
        var scorer = model.CreateScorer(batch);
        var batcher = new SessionBatcher(data, batch);
        var scores = new float[batch * model.ItemCount];
        var position = new int[batch];
        var consumed = new bool[data.SessionCount];
        while (batcher.Next())
        {
            var previous = position.ToArray();
            for (int r = 0; r < batcher.Count; r++)
            {
                if (batcher.Source[r] < 0)
                {
                    int s = Enumerable.Range(0, data.SessionCount).First(k => !consumed[k] && data.Items[data.Offsets[k]] == batcher.Inputs[r]);
                    consumed[s] = true;
                    position[r] = data.Offsets[s];
                }
                else position[r] = previous[batcher.Source[r]] + 1;
            }
            scorer.Score(batcher.Count, batcher.Source, batcher.Inputs, scores);
            for (int r = 0; r < batcher.Count; r++)
                result[position[r]] = scores.AsSpan(r * model.ItemCount, model.ItemCount).ToArray();
        }
        return result;
    }

    [TestMethod]
    public void ASessionShorterThanTheBatchStillTrains()
    {
        // Two sessions (0 → 1 → 2 and 3 → 2 → 1) for a batch of 32: the batch shrinks to them and they are learned.
        var data = SessionData.Create([0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 2, 1], [1, 2, 3, 1, 2, 3], 4);
        var options = SessionTestData.SmallOptions();
        options.BatchSize = 32;
        options.NumberOfAdditionalSamples = 0;
        options.NumberOfEpochs = 60;
        var model = Gru4RecEstimator.Train(data, options);
        Assert.AreEqual(4L, model.TrainingHistory[0].Events, "4 examples per epoch");
        Assert.IsLessThan(model.TrainingHistory[0].Loss, model.TrainingHistory[^1].Loss, "the loss should fall");
        Assert.AreEqual(1, model.Recommend([0], 1).Items[0], "after item 0 comes item 1");
    }

    [TestMethod]
    public void TrainingIsDeterministicForASeedAndIndependentOfThreads()
    {
        var data = SessionTestData.Ring(sessions: 50, items: 10, seed: 5);
        var a = Gru4RecEstimator.Train(data, SessionTestData.SmallOptions());
        var b = Gru4RecEstimator.Train(data, SessionTestData.SmallOptions());
        var o = SessionTestData.SmallOptions();
        o.NumberOfThreads = 2;
        var c = Gru4RecEstimator.Train(data, o);
        CollectionAssert.AreEqual(a.Network.OutputWeights, b.Network.OutputWeights);
        CollectionAssert.AreEqual(a.Network.OutputWeights, c.Network.OutputWeights);
    }
}
