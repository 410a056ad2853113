namespace MLNetRecExtensions.Recommendation;

/// <summary>One recommended item in its original id and the model's score for it (higher is better).</summary>
/// <typeparam name="TItem">The original item id type.</typeparam>
/// <param name="Item">The item's original id.</param>
/// <param name="Score">The model's ranking score (for a cold-start fallback: the item's training interaction count).</param>
public readonly record struct ScoredItem<TItem>(TItem Item, float Score);

/// <summary>The recommendations for one user, best first.</summary>
/// <typeparam name="TUser">The original user id type.</typeparam>
/// <typeparam name="TItem">The original item id type.</typeparam>
/// <param name="User">The user asked for.</param>
/// <param name="Items">At most k items, best first (fewer when the catalog minus the excluded items is smaller).</param>
/// <param name="IsColdStart">True when the model did not know the user and <see cref="Items"/> is the cold-start
/// fallback (<see cref="IItemRecommender{TUser, TItem}.ColdStartItems"/>).</param>
public sealed record UserRecommendations<TUser, TItem>(TUser User, IReadOnlyList<ScoredItem<TItem>> Items, bool IsColdStart);
