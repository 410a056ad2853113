namespace MLNetRecExtensions.Data;

/// <summary>
/// A synthetic data set from <see cref="ColoredGroupsGenerator"/> together with its ground truth: the group
/// (color) of every user and item and each item's popularity rank within its group.
/// </summary>
public sealed class ColoredGroupsDataset
{
    internal ColoredGroupsDataset(InteractionData interactions, int[] userGroups, int[] itemGroups, int[] itemRanks,
        ColoredGroupsOptions options)
    {
        Interactions = interactions;
        UserGroups = userGroups;
        ItemGroups = itemGroups;
        ItemRanks = itemRanks;
        GroupCount = options.GroupCount;
        Options = options;
    }

    /// <summary>
    /// The interactions, user by user, each user's rows in increasing time. Ids are "u{index}" and "i{index}"
    /// (0-based indices); the key spaces are the full <see cref="ColoredGroupsOptions.UserCount"/> and
    /// <see cref="ColoredGroupsOptions.ItemCount"/> (tail items may have no interaction).
    /// </summary>
    public InteractionData Interactions { get; }

    /// <summary>Group in [0, <see cref="GroupCount"/>) of each user, indexed by user index.</summary>
    public int[] UserGroups { get; }

    /// <summary>Group in [0, <see cref="GroupCount"/>) of each item, indexed by item index.</summary>
    public int[] ItemGroups { get; }

    /// <summary>0-based popularity rank of each item within its group (0 = drawn most often), indexed by item index.</summary>
    public int[] ItemRanks { get; }

    /// <summary>Number of groups.</summary>
    public int GroupCount { get; }

    /// <summary>The options the data set was generated with (a copy; changing it does not change the data).</summary>
    public ColoredGroupsOptions Options { get; }
}
