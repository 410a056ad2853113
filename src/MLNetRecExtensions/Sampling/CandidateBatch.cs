namespace MLNetRecExtensions.Sampling;

/// <summary>
/// The softmax candidates of one mini-batch of B positives, filled by <see cref="BatchCandidateSampler"/> and reused
/// across batches (buffers only grow). Layout:
/// <list type="bullet">
/// <item><see cref="Candidates"/> [C], C = B + S: candidate b &lt; B is row b's positive item (the in-batch
/// candidates), candidates B..C−1 are the S negatives shared by the whole batch.</item>
/// <item><see cref="LogQ"/> [C]: log Q(candidate) under the strategy, subtracted from the logits (log-Q correction).</item>
/// <item><see cref="Mask"/> [B, C] row-major: true where candidate c must be left out of row b's softmax (an
/// accidental hit, or an in-batch column of a strategy without in-batch negatives). Row b's target is column b,
/// which is never masked.</item>
/// </list>
/// A trainer computes logits[b, c] = s(user_b, item_c) − LogQ[c], sets masked entries to −∞ and takes the softmax
/// cross-entropy of row b against column b.
/// </summary>
public sealed class CandidateBatch
{
    private int[] _candidates = [];
    private float[] _logQ = [];
    private bool[] _mask = [];

    /// <summary>B: number of positives (rows) in the batch.</summary>
    public int BatchSize { get; private set; }

    /// <summary>S: number of shared negatives appended after the in-batch candidates.</summary>
    public int SharedCount { get; private set; }

    /// <summary>C = B + S.</summary>
    public int CandidateCount => BatchSize + SharedCount;

    /// <summary>Candidate items [C] (0-based item indices).</summary>
    public ReadOnlySpan<int> Candidates => _candidates.AsSpan(0, CandidateCount);

    /// <summary>log Q of each candidate [C].</summary>
    public ReadOnlySpan<float> LogQ => _logQ.AsSpan(0, CandidateCount);

    /// <summary>Accidental-hit mask [B, C], row-major; true = excluded from that row's softmax.</summary>
    public ReadOnlySpan<bool> Mask => _mask.AsSpan(0, BatchSize * CandidateCount);

    /// <summary>Row <paramref name="row"/> of <see cref="Mask"/> [C].</summary>
    public ReadOnlySpan<bool> MaskRow(int row)
    {
        if ((uint)row >= (uint)BatchSize) throw new ArgumentOutOfRangeException(nameof(row), row, $"The batch has {BatchSize} rows.");
        return _mask.AsSpan(row * CandidateCount, CandidateCount);
    }

    /// <summary>True when candidate <paramref name="candidate"/> is excluded from row <paramref name="row"/>'s softmax.</summary>
    public bool IsMasked(int row, int candidate) => MaskRow(row)[candidate];

    /// <summary>Number of unmasked candidates of row <paramref name="row"/>, including its target.</summary>
    public int ActiveCount(int row)
    {
        int n = 0;
        foreach (var m in MaskRow(row)) if (!m) n++;
        return n;
    }

    /// <summary>Whether any entry of <see cref="Mask"/> is true (when false a trainer may skip the mask).</summary>
    public bool HasMaskedEntries { get; internal set; }

    private int[] _firstPosition = [];
    private int[] _nextPosition = [];

    // Scratch of the sampler's hit masking: per item the first candidate position holding it (all −1 between
    // batches), and per position the next one holding the same item.
    internal (int[] First, int[] Next) PositionChains(int itemCount, int candidateCount)
    {
        if (_firstPosition.Length < itemCount) { _firstPosition = new int[itemCount]; Array.Fill(_firstPosition, -1); }
        if (_nextPosition.Length < candidateCount) _nextPosition = new int[candidateCount];
        return (_firstPosition, _nextPosition);
    }

    internal void Reset(int batchSize, int sharedCount)
    {
        BatchSize = batchSize;
        SharedCount = sharedCount;
        int c = batchSize + sharedCount;
        if (_candidates.Length < c) { _candidates = new int[c]; _logQ = new float[c]; }
        if (_mask.Length < batchSize * c) _mask = new bool[batchSize * c];
        Array.Clear(_mask, 0, batchSize * c);
    }

    internal Span<int> WritableCandidates => _candidates.AsSpan(0, CandidateCount);
    internal Span<float> WritableLogQ => _logQ.AsSpan(0, CandidateCount);
    internal Span<bool> WritableMaskRow(int row) => _mask.AsSpan(row * CandidateCount, CandidateCount);
}
