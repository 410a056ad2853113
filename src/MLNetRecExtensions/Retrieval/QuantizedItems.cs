namespace MLNetRecExtensions.Retrieval;

/// <summary>
/// The item table of <see cref="QuantizedSearch"/>: every item quantized once to 16-bit integers with its own scale,
/// laid out in panels of 16 items for the integer kernels of <see cref="QuantizedKernels"/>, plus the per-item
/// constants of a proven bound on how far the integer score can be from the exact fp32 score.
/// <para>
/// Quantization: for item <c>x</c> (dimension d, padded to an even <c>D</c>) with <c>m = max |x_t|</c>, the scale is
/// <c>s = fl32(m / L)</c> and <c>X_t = round(x_t / s)</c> clamped to ±L, where <c>L = min(32767, ⌊√((2³¹−1)/D)⌋)</c>
/// for items and queries alike, so <c>Σ_t |X_t Q_t| ≤ D·L² &lt; 2³¹</c>: the int32 sums never overflow
/// (d = 64 gives L = 5792).
/// </para>
/// <para>
/// Bound (Cauchy–Schwarz): with <c>x̂ = sX</c>, <c>e = x − x̂</c> and the query's <c>q̂ = s_q Q</c>, <c>ε = q − q̂</c>,
/// <c>q·x − q̂·x̂ = q·e + ε·x̂</c>, so <c>|q·x − q̂·x̂| ≤ ‖q‖ ‖e‖ + ‖ε‖ ‖x̂‖</c>. The fp32 FMA chain of the exact score
/// and the float arithmetic of the approximate one each add at most a few units of roundoff u = 2⁻²⁴ per step,
/// bounded by <c>(d + 16) u ((‖q‖ + ‖ε‖) M + |b|)</c> with <c>M = max(‖x‖, ‖x̂‖)</c>, plus 1e-37 for results in the
/// subnormal range. Hence the upper bound of the exact score used by the search is
/// <c>U = s_q s X·Q + (‖q‖ R + ‖ε‖ N + C)</c> with the rounded-up constants <c>R = ‖e‖ + (d + 16) u M</c> and
/// <c>N = ‖x̂‖ + (d + 16) u M</c>, each the largest over the item's panel of 16 (they vary little between items, and
/// one scalar per panel keeps the per-item work to a convert, a multiply, an add and a fused multiply-add), and the
/// per-item <c>C = b + (d + 16) u |b| + 1e-37</c> (norms computed in double from the float data, then inflated by 2⁻²⁰).
/// </para>
/// <para>
/// Prefilter: most items are rejected before any float work by one integer comparison, <c>I ≤ T</c>, with
/// <see cref="IntegerThreshold"/> computed from index-wide maxima of s, C, R and N whenever the query's threshold
/// rises; only the lanes above T get their float U.
/// </para>
/// <para>
/// Items whose bound cannot be trusted (a NaN or infinite value or bias, <c>m</c> outside [1e-12, 1e15] other than 0,
/// or <c>|b| &gt; 1e30</c>) get <c>C = NaN</c>: their upper bound is NaN, so they are always re-scored exactly, which
/// gives the fp32 search's result (and its NaN exception) for them too.
/// </para>
/// </summary>
internal sealed class QuantizedItems
{
    /// <summary>Items per panel (as <see cref="ItemPanels.Width"/>).</summary>
    public const int Width = ItemPanels.Width;
    /// <summary>Largest item or query component magnitude quantized (beyond it the bound's float products could overflow).</summary>
    public const double MaxMagnitude = 1e15;
    /// <summary>Smallest non-zero item or query component maximum quantized (below it the scale products leave the normal range).</summary>
    public const double MinMagnitude = 1e-12;
    /// <summary>Largest bias magnitude whose item keeps a finite bound.</summary>
    private const double MaxBias = 1e30;
    /// <summary>Absolute slack covering roundoff in the subnormal range.</summary>
    private const double AbsoluteSlack = 1e-37;
    /// <summary>Relative inflation of every constant, covering the double arithmetic that computes it.</summary>
    private const double Inflate = 1 + 1.0 / (1 << 20);

    private QuantizedItems(EmbeddingTable items, float[]? biases, int pairs, short level, short[] values,
        float[] scales, float[] normCoefficients, float[] errorCoefficients, float[] offsets, uint[] untrusted)
    {
        Untrusted = untrusted;
        for (int i = 0; i < offsets.Length; i++)
        {
            if (float.IsNaN(offsets[i])) continue;
            _maxScale = Math.Max(_maxScale, scales[i]);
            _maxOffset = Math.Max(_maxOffset, offsets[i]);
        }
        foreach (float r in normCoefficients) _maxNorm = Math.Max(_maxNorm, r);
        foreach (float e in errorCoefficients) _maxError = Math.Max(_maxError, e);
        Items = items;
        ItemBiases = biases;
        Pairs = pairs;
        Level = level;
        Values = values;
        Scales = scales;
        NormCoefficients = normCoefficients;
        ErrorCoefficients = errorCoefficients;
        Offsets = offsets;
        PanelCount = (items.Count + Width - 1) / Width;
    }

    /// <summary>The fp32 items, <c>[items, dimension]</c>, re-scored exactly.</summary>
    public EmbeddingTable Items { get; }
    /// <summary>The biases added to exact scores (null for none).</summary>
    public float[]? ItemBiases { get; }
    /// <summary>Real items.</summary>
    public int ItemCount => Items.Count;
    /// <summary>Panels, <c>ceil(ItemCount / 16)</c>.</summary>
    public int PanelCount { get; }
    /// <summary>Dimension pairs, <c>ceil(dimension / 2)</c>.</summary>
    public int Pairs { get; }
    /// <summary>The quantization level L (largest integer magnitude), the same for queries.</summary>
    public short Level { get; }
    /// <summary>Integer items, <c>[PanelCount, Pairs, 16, 2]</c>: the two components 2t and 2t+1 of an item are adjacent.</summary>
    public short[] Values { get; }
    /// <summary>Per-item scale s (0 for zero or untrusted items), padded to <c>PanelCount · 16</c>.</summary>
    public float[] Scales { get; }
    /// <summary>Per-panel R, the factor of ‖q‖ in the bound (largest over the panel's trusted items).</summary>
    public float[] NormCoefficients { get; }
    /// <summary>Per-panel N, the factor of ‖ε‖ in the bound (largest over the panel's trusted items).</summary>
    public float[] ErrorCoefficients { get; }
    /// <summary>Per-item C = bias + slack (NaN for untrusted items), padded with zeros.</summary>
    public float[] Offsets { get; }
    /// <summary>Per panel, bit l set when item lane l is untrusted (always re-scored).</summary>
    public uint[] Untrusted { get; }

    // Index-wide maxima over the trusted items (C may be negative; the maximum starts at 0, which only loosens).
    private readonly double _maxScale, _maxOffset, _maxNorm, _maxError;

    /// <summary>
    /// The largest integer T such that every trusted item whose integer dot product with the query is ≤ T has
    /// real-valued bound <c>U ≤ threshold</c>, hence exact score ≤ threshold (see the class remarks); int.MinValue when
    /// no such T is proven (then every lane goes on to the float bound). For I ≥ 0, <c>I s s_q ≤ T s_max s_q</c>; for
    /// I &lt; 0 the product is ≤ 0; T is computed in double with margins far above its roundoff.
    /// </summary>
    public int IntegerThreshold(float threshold, float queryScale, float queryNorm, float queryError)
    {
        if (!(threshold > float.NegativeInfinity)) return int.MinValue;
        double w = queryNorm * _maxNorm + queryError * _maxError + _maxOffset;
        double room = threshold - w - 1e-9 * (Math.Abs(threshold) + Math.Abs(w));
        if (!(room >= 0)) return int.MinValue;
        double unit = _maxScale * queryScale;
        if (unit == 0) return int.MaxValue;
        double t = Math.Floor(room / unit * (1 - 1e-12)) - 1;
        return t >= int.MaxValue ? int.MaxValue : (int)t;
    }

    /// <summary>The quantization level L for vectors of <paramref name="dimension"/> components (see the class remarks).</summary>
    public static short LevelFor(int dimension)
    {
        int padded = Math.Max(2, (dimension + 1) / 2 * 2);
        return (short)Math.Min(32767, (int)Math.Floor(Math.Sqrt(int.MaxValue / (double)padded)));
    }

    /// <summary>Quantizes <paramref name="items"/> (kept by reference for re-scoring) with optional <paramref name="biases"/> (length = items).</summary>
    public static QuantizedItems Build(EmbeddingTable items, float[]? biases)
    {
        int n = items.Count, dim = items.Dimension;
        int pairs = (dim + 1) / 2;
        short level = LevelFor(dim);
        int panels = (n + Width - 1) / Width;
        var values = new short[(long)panels * pairs * Width * 2];
        var scales = new float[panels * Width];
        var norm = new float[panels];
        var error = new float[panels];
        var offsets = new float[panels * Width];
        var untrusted = new uint[panels];
        double slack = (dim + 16) / (double)(1 << 24);
        var row = new short[dim];
        for (int i = 0; i < n; i++)
        {
            var x = items.Values.AsSpan(i * dim, dim);
            double b = biases?[i] ?? 0.0;
            if (!Quantize(x, level, row, out float scale, out double residual, out double quantized, out double exactNorm) || !(Math.Abs(b) <= MaxBias))
            {
                offsets[i] = float.NaN; // always re-scored
                untrusted[i / Width] |= 1u << (i % Width);
                continue;
            }
            double m = Math.Max(exactNorm, quantized);
            scales[i] = scale;
            norm[i / Width] = Math.Max(norm[i / Width], (float)((residual + slack * m) * Inflate));
            error[i / Width] = Math.Max(error[i / Width], (float)((quantized + slack * m) * Inflate));
            offsets[i] = (float)(b + (slack * Math.Abs(b) + AbsoluteSlack) * Inflate);
            long baseIndex = (long)(i / Width) * pairs * Width * 2 + i % Width * 2;
            for (int t = 0; t < dim; t++) values[baseIndex + t / 2 * Width * 2 + (t & 1)] = row[t];
        }
        return new QuantizedItems(items, biases, pairs, level, values, scales, norm, error, offsets, untrusted);
    }

    /// <summary>
    /// Quantizes <paramref name="v"/> to <paramref name="integers"/> at <paramref name="level"/>: its scale, the norms
    /// ‖v − s·V‖, ‖s·V‖ and ‖v‖ (double). False when the bound cannot be trusted (non-finite, or the largest magnitude
    /// outside [<see cref="MinMagnitude"/>, <see cref="MaxMagnitude"/>] and not 0); a zero vector has scale 0.
    /// </summary>
    public static bool Quantize(ReadOnlySpan<float> v, short level, Span<short> integers, out float scale,
        out double residualNorm, out double quantizedNorm, out double norm)
    {
        double m = 0;
        foreach (float c in v)
        {
            if (!float.IsFinite(c)) { scale = 0; residualNorm = quantizedNorm = norm = 0; return false; }
            m = Math.Max(m, Math.Abs(c));
        }
        double r2 = 0, q2 = 0, n2 = 0;
        scale = (float)(m / level);
        if (m > 0 && (m < MinMagnitude || m > MaxMagnitude)) { residualNorm = quantizedNorm = norm = 0; return false; }
        double inverse = m == 0 ? 0 : 1.0 / scale; // any rounding of c / s is fine: the bound uses the actual residual
        for (int t = 0; t < v.Length; t++)
        {
            double c = v[t];
            double x = Math.Clamp(Math.Round(c * inverse), -level, level);
            integers[t] = (short)x;
            double approx = (double)scale * x; // exact in double: 24-bit × 16-bit mantissas
            r2 += (c - approx) * (c - approx);
            q2 += approx * approx;
            n2 += c * c;
        }
        residualNorm = Math.Sqrt(r2);
        quantizedNorm = Math.Sqrt(q2);
        norm = Math.Sqrt(n2);
        return true;
    }
}
