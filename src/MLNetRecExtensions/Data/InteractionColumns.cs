namespace MLNetRecExtensions.Data;

/// <summary>
/// Default column names of an interactions <see cref="Microsoft.ML.IDataView"/> produced by the loaders and the
/// synthetic generator. User and item columns are key-typed (<c>UInt32</c> keys, 1-based, 0 = missing), the label is
/// <c>Single</c> (a rating, or 1 for an implicit interaction) and the timestamp is <c>Double</c> (seconds).
/// </summary>
public static class InteractionColumns
{
    /// <summary>User key column.</summary>
    public const string User = "UserId";
    /// <summary>Item key column.</summary>
    public const string Item = "ItemId";
    /// <summary>Rating or implicit weight.</summary>
    public const string Label = "Label";
    /// <summary>Interaction time in seconds.</summary>
    public const string Timestamp = "Timestamp";
    /// <summary>Session key column of session logs.</summary>
    public const string Session = "SessionId";
    /// <summary>Output score column of every model.</summary>
    public const string Score = "Score";
}
