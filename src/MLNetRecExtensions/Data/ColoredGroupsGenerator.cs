namespace MLNetRecExtensions.Data;

/// <summary>
/// Generates the synthetic "colored groups" data set: a known structure that every recommender should recover.
/// Users and items are split into groups (colors) by a seeded permutation dealt round-robin, so group sizes differ by
/// at most one. Each user draws its interactions one by one: with probability
/// <see cref="ColoredGroupsOptions.InGroupProbability"/> from its own group, otherwise from one of the other groups
/// chosen uniformly; within the chosen group an item is drawn with Zipf weight 1/(rank + 1)^s. A (user, item) pair is
/// never repeated (a repeated draw is redrawn from the same group). Deterministic for a seed; the default size
/// (3,000 users, ~75,000 interactions) takes a few tens of milliseconds.
/// </summary>
public static class ColoredGroupsGenerator
{
    private const int MaxRedraws = 64;

    /// <summary>Generates the data set; <paramref name="options"/> null means all defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="ColoredGroupsOptions.Validate"/>).</exception>
    public static ColoredGroupsDataset Generate(ColoredGroupsOptions? options = null)
    {
        var o = (options ?? new ColoredGroupsOptions()).Clone();
        o.Validate();
        var rng = new Random(o.Seed);
        int groupCount = o.GroupCount;

        var userGroups = new int[o.UserCount];
        var userOrder = Permutation(o.UserCount, rng);
        for (int k = 0; k < userOrder.Length; k++) userGroups[userOrder[k]] = k % groupCount;

        // Item dealt k-th goes to group k % G with popularity rank k / G.
        var itemGroups = new int[o.ItemCount];
        var itemRanks = new int[o.ItemCount];
        var groupItems = new int[groupCount][];
        for (int g = 0; g < groupCount; g++) groupItems[g] = new int[(o.ItemCount - g + groupCount - 1) / groupCount];
        var itemOrder = Permutation(o.ItemCount, rng);
        for (int k = 0; k < itemOrder.Length; k++)
        {
            int item = itemOrder[k], g = k % groupCount, rank = k / groupCount;
            itemGroups[item] = g;
            itemRanks[item] = rank;
            groupItems[g][rank] = item;
        }
        var cdf = groupItems.Select(items => ZipfCdf(items.Length, o.ZipfExponent)).ToArray();

        float[]? userFactors = null, itemFactors = null;
        if (o.ExplicitRatings)
        {
            // Entries of std rank^(-1/4) give p·q unit variance.
            double scale = Math.Pow(o.LatentRank, -0.25);
            userFactors = Gaussians(o.UserCount * o.LatentRank, scale, rng);
            itemFactors = Gaussians(o.ItemCount * o.LatentRank, scale, rng);
        }

        int maxPerUser = o.ItemCount / groupCount;
        double extraMean = o.InteractionsPerUser - o.MinInteractionsPerUser;
        var users = new List<int>((int)(o.UserCount * o.InteractionsPerUser * 1.1));
        var items = new List<int>(users.Capacity);
        var labels = new List<float>(users.Capacity);
        var times = new List<double>(users.Capacity);
        var takenBy = new int[o.ItemCount];
        Array.Fill(takenBy, -1);
        var offsets = new double[maxPerUser];

        for (int u = 0; u < o.UserCount; u++)
        {
            int n = Math.Min(maxPerUser, o.MinInteractionsPerUser + Geometric(extraMean, rng));
            int own = userGroups[u];
            for (int j = 0; j < n; j++)
            {
                int g = own;
                if (rng.NextDouble() >= o.InGroupProbability)
                {
                    g = rng.Next(groupCount - 1);
                    if (g >= own) g++;
                }
                int item = DrawFree(groupItems[g], cdf[g], takenBy, u, rng);
                takenBy[item] = u;
                users.Add(u);
                items.Add(item);
                labels.Add(o.ExplicitRatings ? Rating(o, userFactors!, itemFactors!, u, item, rng) : 1f);
            }
            AddTimes(o, n, offsets, times, rng);
        }

        var data = new InteractionData(o.UserCount, o.ItemCount, users.ToArray(), items.ToArray(), labels.ToArray(),
            times.ToArray(), Ids("u", o.UserCount), Ids("i", o.ItemCount));
        return new ColoredGroupsDataset(data, userGroups, itemGroups, itemRanks, o);
    }

    /// <summary>Draws an item of the group not yet taken by <paramref name="user"/>; after too many repeats takes the most popular free one.</summary>
    private static int DrawFree(int[] groupItems, double[] cdf, int[] takenBy, int user, Random rng)
    {
        for (int attempt = 0; attempt < MaxRedraws; attempt++)
        {
            int rank = Array.BinarySearch(cdf, rng.NextDouble() * cdf[^1]);
            if (rank < 0) rank = ~rank;
            if (rank >= groupItems.Length) rank = groupItems.Length - 1;
            int item = groupItems[rank];
            if (takenBy[item] != user) return item;
        }
        // A user takes at most ItemCount / GroupCount items, no more than any group holds, so a free item exists.
        foreach (var item in groupItems)
            if (takenBy[item] != user) return item;
        throw new InvalidOperationException("Every item of the group is taken; this contradicts the per-user cap.");
    }

    private static double[] ZipfCdf(int count, double exponent)
    {
        var cdf = new double[count];
        double sum = 0;
        for (int r = 0; r < count; r++) cdf[r] = sum += Math.Pow(r + 1, -exponent);
        return cdf;
    }

    /// <summary>Failures before the first success of a geometric law with the given mean (0 when the mean is 0).</summary>
    private static int Geometric(double mean, Random rng)
    {
        if (mean <= 0) return 0;
        double q = mean / (1 + mean);
        double k = Math.Floor(Math.Log(1 - rng.NextDouble()) / Math.Log(q));
        return k >= int.MaxValue / 2 ? int.MaxValue / 2 : (int)k;
    }

    private static float Rating(ColoredGroupsOptions o, float[] p, float[] q, int user, int item, Random rng)
    {
        int k = o.LatentRank;
        double dot = 0;
        for (int f = 0; f < k; f++) dot += p[user * k + f] * q[item * k + f];
        double r = Math.Round(o.RatingMean + dot + o.NoiseStdDev * Gaussian(rng), MidpointRounding.AwayFromZero);
        return (float)Math.Clamp(r, 1, 5);
    }

    /// <summary>n strictly increasing whole-second times spread uniformly over the window.</summary>
    private static void AddTimes(ColoredGroupsOptions o, int n, double[] offsets, List<double> times, Random rng)
    {
        for (int j = 0; j < n; j++) offsets[j] = Math.Floor(rng.NextDouble() * o.TimeSpanSeconds);
        Array.Sort(offsets, 0, n);
        double previous = double.NegativeInfinity;
        for (int j = 0; j < n; j++)
        {
            double t = Math.Max(Math.Floor(o.StartTime) + offsets[j], previous + 1);
            times.Add(t);
            previous = t;
        }
    }

    private static int[] Permutation(int n, Random rng)
    {
        var p = new int[n];
        for (int k = 0; k < n; k++) p[k] = k;
        rng.Shuffle(p);
        return p;
    }

    private static float[] Gaussians(int count, double std, Random rng)
    {
        var values = new float[count];
        for (int k = 0; k < count; k++) values[k] = (float)(std * Gaussian(rng));
        return values;
    }

    private static double Gaussian(Random rng)
    {
        // Box–Muller; 1 − U avoids log(0).
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static string[] Ids(string prefix, int count)
    {
        var ids = new string[count];
        for (int k = 0; k < count; k++) ids[k] = prefix + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ids;
    }
}
