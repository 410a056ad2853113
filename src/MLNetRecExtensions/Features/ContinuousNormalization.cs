namespace MLNetRecExtensions.Features;

/// <summary>How continuous inputs are rescaled; the statistics are learned once, at <c>Fit</c>, from the training rows.</summary>
public enum ContinuousNormalization
{
    /// <summary><c>(x − mean) / std</c> per slot (a slot of zero spread is only centred).</summary>
    MeanVariance,
    /// <summary><c>(x − min) / (max − min)</c> per slot (a slot of zero range is only shifted).</summary>
    MinMax,
}
