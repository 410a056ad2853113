using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Recommendation;

/// <summary>Small interactions with original string ids for the recommend API tests.</summary>
internal static class RecommendationTestData
{
    /// <summary>
    /// <paramref name="users"/> users in 4 groups (group = u mod 4); item i belongs to group i mod 4. Each user
    /// interacts with <paramref name="perUser"/> distinct random items of its group. Ids are "user-{u}" and "item-{i}".
    /// </summary>
    public static InteractionData Groups(int users = 80, int items = 60, int perUser = 8, int seed = 3)
    {
        var random = new Random(seed);
        var u = new List<int>();
        var it = new List<int>();
        for (int user = 0; user < users; user++)
        {
            var chosen = new HashSet<int>();
            while (chosen.Count < perUser) chosen.Add(user % 4 + 4 * random.Next(items / 4));
            foreach (var item in chosen) { u.Add(user); it.Add(item); }
        }
        return new InteractionData(users, items, u.ToArray(), it.ToArray(), Enumerable.Repeat(1f, u.Count).ToArray(),
            userIds: Enumerable.Range(0, users).Select(x => $"user-{x}").ToArray(),
            itemIds: Enumerable.Range(0, items).Select(x => $"item-{x}").ToArray());
    }

    /// <summary>The group of an id "user-{u}" or "item-{i}".</summary>
    public static int GroupOf(string id) => int.Parse(id[(id.IndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture) % 4;
}
