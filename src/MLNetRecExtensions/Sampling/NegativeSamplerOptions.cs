namespace MLNetRecExtensions.Sampling;

/// <summary>
/// Options of a negative sampler; build one with <see cref="NegativeSamplerFactory"/>. Alpha = 0 makes every
/// popularity-based proposal (Popularity, Mixed's shared negatives, Hard's pool) uniform.
/// </summary>
public class NegativeSamplerOptions
{
    /// <summary>Where negatives come from. Default <see cref="NegativeSamplingStrategy.Popularity"/>.</summary>
    public NegativeSamplingStrategy Strategy { get; set; } = NegativeSamplingStrategy.Popularity;

    /// <summary>Popularity exponent α ≥ 0: Q(i) ∝ count(i)^α. Default 0.75 (word2vec); 0 = uniform, 1 = frequency.</summary>
    public double Alpha { get; set; } = 0.75;

    /// <summary>Negatives drawn per positive (per-row sampling and the pipeline transform); ≥ 1. Default 4.</summary>
    public int NegativesPerPositive { get; set; } = 4;

    /// <summary>Mixed: negatives drawn once per batch and shared by all its rows (S); ≥ 1 for Mixed. Default 64.</summary>
    public int SharedNegatives { get; set; } = 64;

    /// <summary>InBatch / Mixed: the mini-batch size B the candidate mixture Q is defined for; ≥ 1. Default 256.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Hard: candidates drawn and scored per positive; ≥ NegativesPerPositive. Default 20.</summary>
    public int HardPoolSize { get; set; } = 20;

    /// <summary>Hard: scores a user's candidate pool (higher = harder); required for Hard.</summary>
    public HardNegativeScorer? HardScorer { get; set; }

    /// <summary>A negative never equals its positive (redrawn per row, masked in a batch). Default true.</summary>
    public bool RemoveAccidentalHits { get; set; } = true;

    /// <summary>Also exclude every item the user interacted with in the training data. Default false.</summary>
    public bool ExcludeUserHistory { get; set; }

    /// <summary>Seed of the sampling random stream; a fixed seed gives identical negatives. Default 1.</summary>
    public int Seed { get; set; } = 1;
}
