using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.TwoTower;

/// <summary>Small data sets for the two-tower tests.</summary>
internal static class TwoTowerTestData
{
    /// <summary>One interaction with user and item side features. Key properties hold 0-based indices (LoadFromEnumerable adds 1).</summary>
    public sealed class FeatureRow
    {
        [KeyType(6)] public uint UserId { get; set; }
        [KeyType(8)] public uint ItemId { get; set; }
        public float Label { get; set; } = 1f;
        [KeyType(3)] public uint Occupation { get; set; }
        public float Age { get; set; }
        [KeyType(2)] public uint Kind { get; set; }
        [VectorType(2)] public float[] Flags { get; set; } = new float[2];
    }

    /// <summary>
    /// 12 interactions of 6 users with 8 items; user u has occupation u % 3 and age 20 + 5u; item i has kind i % 2 and
    /// flags [i / 8, (i % 3 == 0) ? 1 : 0]. Items 1 and 4 appear twice in the first 8 rows, so an in-batch softmax over
    /// them has accidental hits to mask.
    /// </summary>
    public static FeatureRow[] FeatureRows()
    {
        (int User, int Item)[] pairs = [(0, 1), (1, 4), (2, 1), (3, 5), (4, 4), (5, 0), (0, 2), (1, 3), (2, 6), (3, 7), (4, 2), (5, 6)];
        return pairs.Select(p => new FeatureRow
        {
            UserId = (uint)p.User,
            ItemId = (uint)p.Item,
            Occupation = (uint)(p.User % 3),
            Age = 20 + 5 * p.User,
            Kind = (uint)(p.Item % 2),
            Flags = [p.Item / 8f, p.Item % 3 == 0 ? 1 : 0],
        }).ToArray();
    }

    /// <summary>Two disjoint taste groups: users 0..U/2−1 interact with items 0..I/2−1 only, the others with the rest;
    /// item popularity is skewed (item j of a group is drawn with weight 1/(j+1)).</summary>
    public static InteractionData TwoGroups(int users = 60, int items = 40, int perUser = 8, int seed = 3)
    {
        var rng = new Random(seed);
        int half = items / 2;
        var weights = Enumerable.Range(0, half).Select(j => 1.0 / (j + 1)).ToArray();
        double total = weights.Sum();
        var us = new List<int>();
        var its = new List<int>();
        for (int u = 0; u < users; u++)
        {
            var chosen = new HashSet<int>();
            while (chosen.Count < perUser)
            {
                double x = rng.NextDouble() * total;
                int j = 0;
                while (j < half - 1 && (x -= weights[j]) > 0) j++;
                chosen.Add(j);
            }
            int offset = u < users / 2 ? 0 : half;
            foreach (int j in chosen.Order()) { us.Add(u); its.Add(offset + j); }
        }
        return new InteractionData(users, items, [.. us], [.. its], Enumerable.Repeat(1f, us.Count).ToArray());
    }

    public static IDataView View(MLContext ml, FeatureRow[] rows) => ml.Data.LoadFromEnumerable(rows);
}
