namespace MLNetRecExtensions.Factorization;

/// <summary>Up-front option validation; each failure names the option, its value and the accepted range.</summary>
internal static class OptionChecks
{
    public static void Positive(string option, int value)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(option, value, $"{option} must be positive, but is {value}.");
    }

    public static void Positive(string option, double value)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(option, value, $"{option} must be a positive finite number, but is {value}.");
    }

    public static void NonNegative(string option, double value)
    {
        if (!(value >= 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(option, value, $"{option} must be a finite number ≥ 0, but is {value}.");
    }

    public static void Finite(string option, double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(option, value, $"{option} must be finite, but is {value}.");
    }

    public static void Threads(int? value)
    {
        if (value is <= 0) throw new ArgumentOutOfRangeException("NumberOfThreads", value, $"NumberOfThreads must be positive or null (all cores), but is {value}.");
    }

    public static void Columns(string userColumn, string itemColumn, string? labelColumn, bool labelRequired)
    {
        if (string.IsNullOrEmpty(itemColumn)) throw new ArgumentOutOfRangeException("MatrixColumnIndexColumnName", itemColumn, "MatrixColumnIndexColumnName (the item key column) must be set.");
        if (string.IsNullOrEmpty(userColumn)) throw new ArgumentOutOfRangeException("MatrixRowIndexColumnName", userColumn, "MatrixRowIndexColumnName (the user key column) must be set.");
        if (labelRequired && string.IsNullOrEmpty(labelColumn)) throw new ArgumentOutOfRangeException("LabelColumnName", labelColumn, "LabelColumnName (the rating column) must be set.");
        if (userColumn == itemColumn)
            throw new ArgumentOutOfRangeException("MatrixColumnIndexColumnName", itemColumn, $"The user and item key columns must differ, but both are '{userColumn}'.");
    }

    public static int ResolveThreads(int? value) => value ?? Environment.ProcessorCount;
}
