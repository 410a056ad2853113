namespace MLNetRecExtensions.Factorization;

/// <summary>Options of <see cref="MatrixFactorizationUpdate.Update"/>.</summary>
public sealed class MatrixFactorizationUpdateOptions
{
    /// <summary>ALS sweeps over the touched rows (each: touched users, then touched items; &gt; 0). Default 3.</summary>
    public int NumberOfIterations { get; set; } = 3;

    /// <summary>
    /// Also re-solve EXISTING items that received new interactions (default true). With false only new items get
    /// solved, so every existing item keeps its factors and every untouched existing user keeps exactly the scores
    /// (and ranking among existing items) it had.
    /// </summary>
    public bool UpdateExistingItems { get; set; } = true;

    /// <summary>Worker threads; null means all cores. The result does not depend on it.</summary>
    public int? NumberOfThreads { get; set; }
}
