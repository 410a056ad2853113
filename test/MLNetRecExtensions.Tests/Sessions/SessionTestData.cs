using MLNetRecExtensions.Sessions;

namespace MLNetRecExtensions.Tests.Sessions;

/// <summary>Small session data with known structure.</summary>
internal static class SessionTestData
{
    /// <summary>
    /// Sessions walking a ring of <paramref name="items"/> items: a session starts at a random item and each click is the
    /// next item on the ring (i → i + 1 mod items), so the next item is fully determined by the current one.
    /// </summary>
    public static SessionData Ring(int sessions, int items, int seed, int minLength = 2, int maxLength = 6)
    {
        var rng = new Random(seed);
        var s = new List<int>();
        var it = new List<int>();
        var t = new List<double>();
        for (int k = 0; k < sessions; k++)
        {
            int start = rng.Next(items), length = rng.Next(minLength, maxLength + 1);
            for (int j = 0; j < length; j++) { s.Add(k); it.Add((start + j) % items); t.Add(k * 100 + j); }
        }
        return SessionData.Create(s.ToArray(), it.ToArray(), t.ToArray(), items);
    }

    public static Gru4RecOptions SmallOptions(Gru4RecLoss loss = Gru4RecLoss.CrossEntropy) => new()
    {
        Loss = loss,
        Layers = [16],
        BatchSize = 8,
        NumberOfAdditionalSamples = 8,
        SampleCacheSize = 800,
        NumberOfEpochs = 8,
        DropoutHidden = 0,
        LearningRate = 0.1f,
        Seed = 3,
    };
}
