using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Evaluation;

/// <summary>
/// The group data behind the folding score: which groups each user knows (groups of the items it interacted
/// with, plus its own group when user groups are given) and the group of each item.
/// </summary>
internal sealed class FoldingGroups
{
    private readonly int[] _itemGroups;
    private readonly int[]? _userGroups;
    private readonly UserItemMatrix _interacted;
    private readonly int[] _knownBy; // user + 1 when the group is known to the user being scored

    private FoldingGroups(int[] itemGroups, int[]? userGroups, UserItemMatrix interacted)
    {
        _itemGroups = itemGroups;
        _userGroups = userGroups;
        _interacted = interacted;
        int maxGroup = Math.Max(itemGroups.Length == 0 ? 0 : itemGroups.Max(), userGroups is { Length: > 0 } ? userGroups.Max() : 0);
        _knownBy = new int[maxGroup + 1];
    }

    /// <summary>Validates the options; null when no item groups are given (no folding score).</summary>
    public static FoldingGroups? Create(UserItemMatrix test, RankingEvaluationOptions? options)
    {
        if (options == null) return null;
        if (options.ItemGroups is not { } itemGroups)
        {
            if (options.UserGroups != null)
                throw new ArgumentOutOfRangeException(nameof(options),
                    "RankingEvaluationOptions.UserGroups is set but ItemGroups is null; the folding score needs the group of every item.");
            return null;
        }
        if (itemGroups.Length != test.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"RankingEvaluationOptions.ItemGroups has {itemGroups.Length} entries but the test matrix has {test.ItemCount} items; pass one group per item.");
        CheckNonNegative(itemGroups, "ItemGroups");
        if (options.UserGroups is { } userGroups)
        {
            if (userGroups.Length != test.UserCount)
                throw new ArgumentOutOfRangeException(nameof(options),
                    $"RankingEvaluationOptions.UserGroups has {userGroups.Length} entries but the test matrix has {test.UserCount} users; pass one group per user.");
            CheckNonNegative(userGroups, "UserGroups");
        }
        var interacted = options.InteractedItems ?? test;
        if (interacted.UserCount != test.UserCount || interacted.ItemCount != test.ItemCount)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"RankingEvaluationOptions.InteractedItems is {interacted.UserCount} users × {interacted.ItemCount} items but the test matrix is {test.UserCount} × {test.ItemCount}; build both with the same key mappings.");
        return new FoldingGroups(itemGroups, options.UserGroups, interacted);
    }

    /// <summary>Share of <paramref name="top"/> whose group user <paramref name="user"/> does not know; 0 for an empty list.</summary>
    public double FoldedShare(int user, ReadOnlySpan<int> top)
    {
        if (top.Length == 0) return 0;
        int stamp = user + 1;
        foreach (int item in _interacted.ItemsOf(user)) _knownBy[_itemGroups[item]] = stamp;
        if (_userGroups != null) _knownBy[_userGroups[user]] = stamp;
        int folded = 0;
        foreach (int item in top)
            if (_knownBy[_itemGroups[item]] != stamp) folded++;
        return (double)folded / top.Length;
    }

    private static void CheckNonNegative(int[] groups, string name)
    {
        for (int i = 0; i < groups.Length; i++)
            if (groups[i] < 0)
                throw new ArgumentOutOfRangeException("options", $"RankingEvaluationOptions.{name}[{i}] = {groups[i]}; groups must be non-negative integers.");
    }
}
