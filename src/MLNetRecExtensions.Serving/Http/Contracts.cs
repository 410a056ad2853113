namespace MLNetRecExtensions.Serving.Http;

/// <summary>One recommended or similar item in JSON: <c>{"item": "…", "score": 1.5}</c>.</summary>
/// <param name="Item">Original item id.</param>
/// <param name="Score">Ranking score (cold start: the item's training interaction count; similar items: cosine).</param>
public sealed record ItemScore(string Item, float Score);

/// <summary>
/// The answer of <c>GET /recommend/{userId}</c>: <c>{"user": "…", "items": [...], "coldStart": false}</c>.
/// <c>coldStart</c> is true when the user is unknown (no embedding) and <c>items</c> is the fallback: the most
/// interacted-with training items.
/// </summary>
/// <param name="User">The user asked for.</param>
/// <param name="Items">Best first.</param>
/// <param name="ColdStart">True for the unknown-user fallback.</param>
public sealed record RecommendResponse(string User, IReadOnlyList<ItemScore> Items, bool ColdStart);

/// <summary>The body of <c>POST /recommend</c>: <c>{"users": ["u1", "u2"], "k": 10}</c> (k optional, default 10).</summary>
/// <param name="Users">User ids, at most 1000.</param>
/// <param name="K">Items per user.</param>
public sealed record BatchRequest(IReadOnlyList<string>? Users, int? K);

/// <summary>The body of <c>POST /recommend/new</c>: <c>{"items": ["i1", "i2"], "k": 10}</c>, a new user's items (k optional, default 10).</summary>
/// <param name="Items">Item ids the user interacted with (ids the model does not know are ignored), at most 1000.</param>
/// <param name="K">Items to recommend.</param>
public sealed record NewUserRequest(IReadOnlyList<string>? Items, int? K);

/// <summary>
/// The answer of <c>POST /recommend/new</c>: <c>{"items": [...], "coldStart": false}</c>, the given items left out.
/// <c>coldStart</c> is true when the user could not be embedded (no given item is known, or the model has no user
/// tower) and <c>items</c> is the fallback: the most interacted-with training items.
/// </summary>
/// <param name="Items">Best first.</param>
/// <param name="ColdStart">True for the fallback.</param>
public sealed record NewUserResponse(IReadOnlyList<ItemScore> Items, bool ColdStart);

/// <summary>The answer of <c>GET /similar/{itemId}</c>: <c>{"item": "…", "items": [...]}</c>, scores are cosines.</summary>
/// <param name="Item">The item asked for.</param>
/// <param name="Items">Most similar first, the item itself left out.</param>
public sealed record SimilarResponse(string Item, IReadOnlyList<ItemScore> Items);

/// <summary>The answer of <c>GET /health</c>.</summary>
/// <param name="Status"><c>ok</c>, or <c>degraded</c> when Redis is configured but unreachable.</param>
/// <param name="Model">Model id.</param>
/// <param name="Index"><c>exact</c> or <c>hnsw</c>.</param>
/// <param name="Users">Users known to the model.</param>
/// <param name="Items">Catalog size.</param>
/// <param name="Redis">Redis endpoint, or null when serving from memory.</param>
/// <param name="Error">Why the status is degraded, else null.</param>
public sealed record HealthResponse(string Status, string Model, string Index, int Users, int Items, string? Redis, string? Error);

/// <summary>An error answer: <c>{"error": "…"}</c> with status 400 (bad request), 404 (unknown item) or 503 (Redis down).</summary>
/// <param name="Error">What was wrong and how to fix the request.</param>
public sealed record ErrorResponse(string Error);
