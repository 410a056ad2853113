using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRecExtensions.Factorization;

/// <summary>Vector width of the SGD update loop.</summary>
internal enum SgdKernelKind
{
    /// <summary>One float at a time (no padding).</summary>
    Scalar = 1,
    /// <summary>8 floats (AVX2); factor rows padded to a multiple of 8.</summary>
    Vector256 = 8,
    /// <summary>16 floats (AVX-512); factor rows padded to a multiple of 16.</summary>
    Vector512 = 16,
}

/// <summary>
/// Pointers and constants of one SGD pass over a run of ratings. Factor rows are <see cref="Stride"/> floats apart
/// (the rank padded with zeros to the kernel width; padding stays zero because its gradient is zero). Each user and
/// item also has four floats of row state at <c>4·row</c> in <see cref="UserState"/> / <see cref="ItemState"/>:
/// the AdaGrad sums of the slow and of the fast dimensions, the bias and the bias's AdaGrad sum.
/// </summary>
internal unsafe struct SgdState
{
    public float* P, Q, UserState, ItemState;
    public int Stride;
    /// <summary>Leading dimensions with their own AdaGrad sum (LIBMF's 4; 0 = one sum for the whole row).</summary>
    public int SlowDimensions;
    public float Mean, LearningRate, Lambda;
    /// <summary>Multipliers of <c>Σ g²</c> over the slow and over the fast dimensions added to their AdaGrad sums.</summary>
    public float SlowScale, FastScale;
    public bool UseBiases, NonNegative;
    /// <summary>Update only the slow dimensions (and biases), as LIBMF's first iteration does.</summary>
    public bool SlowOnly;
    /// <summary>Prefetch the factor rows of the ratings a few positions ahead (for factors larger than the cache; only speed changes).</summary>
    public bool Prefetch;
}

/// <summary>
/// The update of one rating, LIBMF's adaptive SGD (<c>MFSolver::sg_update</c>): <c>e = r − (μ + b_u + b_i + p·q)</c>;
/// <c>g_p = λp − e·q</c>, <c>g_q = λq − e·p</c> (from the old values); for the slow dimensions
/// <c>p −= η/√G_u,slow · g_p</c> then <c>G_u,slow += c_slow·Σ_slow g_p²</c>, for the others the same with
/// <c>G_u,fast</c> and <c>c_fast</c> (likewise for q; each bias has its own sum and <c>g_b = λb − e</c>,
/// <c>G_b += g_b²</c>). One generic loop serves every vector width, plus a specialised update for rows of exactly 8
/// floats with 4 slow dimensions (ranks 5 to 8 at width 8, equal within rounding); <see cref="Run"/> updates two
/// row-disjoint runs alternately and returns each one's <c>Σ e²</c> (before the updates).
/// </summary>
internal static unsafe class SgdKernel
{
    public static int Width(SgdKernelKind kind) => (int)kind;

    /// <summary>
    /// Updates the ratings <c>[fromA, toA)</c> and <c>[fromB, toB)</c> of the given arrays, each run in order, and returns
    /// each run's squared errors' sum. The two runs must touch disjoint user rows and disjoint item rows (two blocks
    /// of different row and column bins; an empty run is allowed): the result is then that of updating A, then B.
    /// </summary>
    public static (double A, double B) Run(SgdKernelKind kind, in SgdState s, int[] users, int[] items, float[] labels,
        int fromA, int toA, int fromB, int toB) => kind switch
    {
        SgdKernelKind.Vector512 => Run<Lanes512, Vector512<float>>(s, users, items, labels, fromA, toA, fromB, toB),
        SgdKernelKind.Vector256 => Run<Lanes256, Vector256<float>>(s, users, items, labels, fromA, toA, fromB, toB),
        _ => Run<LanesScalar, float>(s, users, items, labels, fromA, toA, fromB, toB),
    };

    /// <summary>Squared errors' sum of the ratings <c>[from, to)</c> under the current factors (no update).</summary>
    public static double Loss(SgdKernelKind kind, in SgdState s, int[] users, int[] items, float[] labels, int from, int to) => kind switch
    {
        SgdKernelKind.Vector512 => Loss<Lanes512, Vector512<float>>(s, users, items, labels, from, to),
        SgdKernelKind.Vector256 => Loss<Lanes256, Vector256<float>>(s, users, items, labels, from, to),
        _ => Loss<LanesScalar, float>(s, users, items, labels, from, to),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TL, TV>(float* p, float* q, int stride) where TL : struct, ILanes<TV> where TV : struct
    {
        // Two chains so that the multiply-adds of a long row overlap.
        int w = TL.Width;
        TV a0 = TL.Mul(TL.Load(p), TL.Load(q)), a1 = default;
        int d = w;
        for (; d + w < stride; d += 2 * w)
        {
            a0 = TL.Fma(TL.Load(p + d), TL.Load(q + d), a0);
            a1 = TL.Fma(TL.Load(p + d + w), TL.Load(q + d + w), a1);
        }
        if (d < stride) a0 = TL.Fma(TL.Load(p + d), TL.Load(q + d), a0);
        return TL.Sum(TL.Add(a0, a1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Loss<TL, TV>(in SgdState s, int[] users, int[] items, float[] labels, int from, int to)
        where TL : struct, ILanes<TV> where TV : struct
    {
        int stride = s.Stride;
        float* P = s.P, Q = s.Q, userState = s.UserState, itemState = s.ItemState;
        double loss = 0;
        for (int r = from; r < to; r++)
        {
            int u = users[r], i = items[r];
            float predicted = s.Mean + Dot<TL, TV>(P + (nint)u * stride, Q + (nint)i * stride, stride);
            if (s.UseBiases) predicted += userState[4 * u + 2] + itemState[4 * i + 2];
            float e = labels[r] - predicted;
            loss += e * e;
        }
        return loss;
    }

    /// <summary>The constants of one pass, hoisted out of <see cref="SgdState"/> (fields of a local struct the JIT keeps in registers).</summary>
    private readonly struct Pass<TV> where TV : struct
    {
        public readonly float* P, Q, UserState, ItemState;
        public readonly int Stride, Peel, End;
        public readonly float Lam, Mean;
        public readonly bool UseBiases, NonNegative, SlowOnly;
        public readonly TV Lambda, SlowMask;
        public readonly Vector256<float> NegLr;
        public readonly Vector128<float> GScale;

        public Pass(in SgdState s, int width, TV lambda, TV slowMask)
        {
            P = s.P; Q = s.Q; UserState = s.UserState; ItemState = s.ItemState;
            Stride = s.Stride;
            Lam = s.Lambda; Mean = s.Mean;
            UseBiases = s.UseBiases; NonNegative = s.NonNegative; SlowOnly = s.SlowOnly;
            Lambda = lambda;
            SlowMask = slowMask;
            // The chunks [0, Peel) hold the slow dimensions: lanes below SlowDimensions (every lane of a scalar chunk).
            Peel = s.SlowDimensions == 0 ? 0 : Math.Min(Stride, (s.SlowDimensions + width - 1) / width * width);
            End = s.SlowOnly ? Peel : Stride;
            NegLr = Vector256.Create(-s.LearningRate);
            // Multipliers of [Σ_slow g_p², Σ_fast g_p², ·, ·] into the row state (the last two lanes are set per rating).
            GScale = Vector128.Create(s.SlowScale, s.SlowOnly ? 0f : s.FastScale, 0f, 0f);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double A, double B) Run<TL, TV>(in SgdState s, int[] users, int[] items, float[] labels, int fromA, int toA, int fromB, int toB)
        where TL : struct, ILanes<TV> where TV : struct
    {
        var c = new Pass<TV>(s, TL.Width, TL.Broadcast(s.Lambda), TL.LanesBelow(s.SlowDimensions));
        // Rank 5 to 8 in one 8-lane row with LIBMF's 4 slow dimensions: the specialised update (fewer instructions).
        bool rank8 = typeof(TV) == typeof(Vector256<float>) && s.Stride == 8 && s.SlowDimensions == 4 && Avx2.IsSupported && Fma.IsSupported;
        double lossA = 0, lossB = 0;
        fixed (int* pu = users, pi = items)
        fixed (float* pr = labels)
        {
            // The two runs touch disjoint rows, so alternating them gives the result of running A then B, while the
            // out-of-order core overlaps one rating's dependency chain (row → dot → error → row) with the other's.
            int n = Math.Min(toA - fromA, toB - fromB);
            // With SgdState.Prefetch the rows of the ratings Ahead positions on are prefetched: on data whose factors
            // exceed the cache an update otherwise waits on memory (the rows are 64-byte aligned, one prefetch per line).
            int lines = (c.Stride * sizeof(float) + 63) / 64, ahead = s.Prefetch ? Math.Max(0, n - Ahead) : 0;
            for (int j = 0; j < n; j++)
            {
                int a = fromA + j, b = fromB + j;
                if (j < ahead)
                {
                    Prefetch(c, pu[a + Ahead], pi[a + Ahead], lines);
                    Prefetch(c, pu[b + Ahead], pi[b + Ahead], lines);
                }
                float ea = Step<TL, TV>(c, rank8, pu[a], pi[a], pr[a]);
                float eb = Step<TL, TV>(c, rank8, pu[b], pi[b], pr[b]);
                lossA += ea * ea;
                lossB += eb * eb;
            }
            for (int r = fromA + n; r < toA; r++)
            {
                float e = Step<TL, TV>(c, rank8, pu[r], pi[r], pr[r]);
                lossA += e * e;
            }
            for (int r = fromB + n; r < toB; r++)
            {
                float e = Step<TL, TV>(c, rank8, pu[r], pi[r], pr[r]);
                lossB += e * e;
            }
        }
        return (lossA, lossB);
    }

    /// <summary>How many ratings ahead <see cref="Run"/> prefetches factor rows.</summary>
    private const int Ahead = 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch<TV>(in Pass<TV> c, int u, int i, int lines) where TV : struct
    {
        if (!Sse.IsSupported) return;
        byte* p = (byte*)(c.P + (nint)u * c.Stride), q = (byte*)(c.Q + (nint)i * c.Stride);
        for (int l = 0; l < lines; l++)
        {
            Sse.Prefetch0(p + 64 * l);
            Sse.Prefetch0(q + 64 * l);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Step<TL, TV>(in Pass<TV> c, bool rank8, int u, int i, float label) where TL : struct, ILanes<TV> where TV : struct =>
        rank8 ? UpdateRank8(Unsafe.As<Pass<TV>, Pass<Vector256<float>>>(ref Unsafe.AsRef(in c)), u, i, label) : Update<TL, TV>(c, u, i, label);

    // Update for rows of exactly 8 floats holding 4 slow and 4 fast dimensions (ranks 5 to 8, padding zero): the same
    // arithmetic as Update with one vector per row, the step sizes spread to [slow ×4, fast ×4] by one permute and the
    // four AdaGrad sums taken by two horizontal adds (summed in another order than Update's: equal within rounding).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float UpdateRank8(in Pass<Vector256<float>> c, int u, int i, float label)
    {
        float* p = c.P + (nint)u * 8;
        float* q = c.Q + (nint)i * 8;
        float* us = c.UserState + 4 * (nint)u;
        float* its = c.ItemState + 4 * (nint)i;
        var uState = Vector128.Load(us);
        var iState = Vector128.Load(its);
        var pv = Vector256.Load(p);
        var qv = Vector256.Load(q);
        float predicted = c.Mean + Vector256.Sum(pv * qv);
        if (c.UseBiases) predicted += uState.GetElement(2) + iState.GetElement(2);
        float e = label - predicted;
        var negE = Vector256.Create(-e);
        var steps = c.NegLr / Vector256.Sqrt(Vector256.Create(uState, iState));
        var stepP = Avx2.PermuteVar8x32(steps, Vector256.Create(0, 0, 0, 0, 1, 1, 1, 1));
        var stepQ = Avx2.PermuteVar8x32(steps, Vector256.Create(4, 4, 4, 4, 5, 5, 5, 5));
        var gp = Fma.MultiplyAdd(negE, qv, c.Lambda * pv);
        var gq = Fma.MultiplyAdd(negE, pv, c.Lambda * qv);
        var pn = Fma.MultiplyAdd(stepP, gp, pv);
        var qn = Fma.MultiplyAdd(stepQ, gq, qv);
        if (c.SlowOnly)
        {
            pn = Vector256.ConditionalSelect(c.SlowMask, pn, pv);
            qn = Vector256.ConditionalSelect(c.SlowMask, qn, qv);
        }
        if (c.NonNegative)
        {
            pn = Vector256.Max(pn, Vector256<float>.Zero);
            qn = Vector256.Max(qn, Vector256<float>.Zero);
        }
        pn.Store(p);
        qn.Store(q);
        var h = Avx.HorizontalAdd(gp * gp, gq * gq); // [p0+p1, p2+p3, q0+q1, q2+q3 | p4+p5, p6+p7, q4+q5, q6+q7]
        h = Avx.HorizontalAdd(h, h);                 // [P slow, Q slow, ·, · | P fast, Q fast, ·, ·]
        var sums = Sse.UnpackLow(h.GetLower(), h.GetUpper()); // [P slow, P fast, Q slow, Q fast]
        // GScale's lanes 2 and 3 are 0, so the sums there ([Q slow, Q fast] in both) add nothing but the bias terms below.
        var uDelta = sums * c.GScale;
        var iDelta = Sse.MoveHighToLow(sums, sums) * c.GScale;
        if (c.UseBiases)
        {
            float gbu = c.Lam * uState.GetElement(2) - e, gbi = c.Lam * iState.GetElement(2) - e;
            uDelta = uDelta.WithElement(2, steps.GetElement(3) * gbu).WithElement(3, gbu * gbu);
            iDelta = iDelta.WithElement(2, steps.GetElement(7) * gbi).WithElement(3, gbi * gbi);
        }
        (uState + uDelta).Store(us);
        (iState + iDelta).Store(its);
        return e;
    }

    // One rating's update; returns its error e = r − r̂ (before the update). Too large for the JIT to inline; a call
    // costs little next to the update, and AggressiveOptimization compiles it fully at once (it runs once per Fit).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Update<TL, TV>(in Pass<TV> c, int u, int i, float label) where TL : struct, ILanes<TV> where TV : struct
    {
        int stride = c.Stride, w = TL.Width, peel = c.Peel, end = c.End;
        TV lambda = c.Lambda, slowMask = c.SlowMask;
        bool nonNegative = c.NonNegative;
        float* p = c.P + (nint)u * stride;
        float* q = c.Q + (nint)i * stride;
        float* us = c.UserState + 4 * (nint)u;
        float* its = c.ItemState + 4 * (nint)i;
        var uState = Vector128.Load(us);
        var iState = Vector128.Load(its);
        float predicted = c.Mean + Dot<TL, TV>(p, q, stride);
        if (c.UseBiases) predicted += uState.GetElement(2) + iState.GetElement(2);
        float e = label - predicted;
        TV negE = TL.Broadcast(-e);
        // −η/√G for [user slow, user fast, ·, user bias, item slow, item fast, ·, item bias] in one vector
        // square root and division (exact, as eight scalar ones; the bias lanes' results are unused).
        var steps = c.NegLr / Vector256.Sqrt(Vector256.Create(uState, iState));
        TV stepPFast = TL.Broadcast(steps.GetElement(1)), stepQFast = TL.Broadcast(steps.GetElement(5));
        TV stepPSlow = TL.Select(slowMask, TL.Broadcast(steps.GetElement(0)), stepPFast);
        TV stepQSlow = TL.Select(slowMask, TL.Broadcast(steps.GetElement(4)), stepQFast);
        TV slowP = default, slowQ = default, fastP = default, fastQ = default;
        int d = 0;
        for (; d < peel; d += w)
        {
            TV pv = TL.Load(p + d), qv = TL.Load(q + d);
            TV gp = TL.Fma(negE, qv, TL.Mul(lambda, pv));
            TV gq = TL.Fma(negE, pv, TL.Mul(lambda, qv));
            TV gp2 = TL.Mul(gp, gp), gq2 = TL.Mul(gq, gq);
            slowP = TL.Add(slowP, TL.Select(slowMask, gp2, default));
            slowQ = TL.Add(slowQ, TL.Select(slowMask, gq2, default));
            fastP = TL.Add(fastP, TL.Select(slowMask, default, gp2));
            fastQ = TL.Add(fastQ, TL.Select(slowMask, default, gq2));
            TV pn = TL.Fma(stepPSlow, gp, pv), qn = TL.Fma(stepQSlow, gq, qv);
            if (c.SlowOnly)
            {
                pn = TL.Select(slowMask, pn, pv);
                qn = TL.Select(slowMask, qn, qv);
            }
            if (nonNegative)
            {
                pn = TL.Max0(pn);
                qn = TL.Max0(qn);
            }
            TL.Store(pn, p + d);
            TL.Store(qn, q + d);
        }
        for (; d < end; d += w)
        {
            TV pv = TL.Load(p + d), qv = TL.Load(q + d);
            TV gp = TL.Fma(negE, qv, TL.Mul(lambda, pv));
            TV gq = TL.Fma(negE, pv, TL.Mul(lambda, qv));
            fastP = TL.Fma(gp, gp, fastP);
            fastQ = TL.Fma(gq, gq, fastQ);
            pv = TL.Fma(stepPFast, gp, pv);
            qv = TL.Fma(stepQFast, gq, qv);
            if (nonNegative)
            {
                pv = TL.Max0(pv);
                qv = TL.Max0(qv);
            }
            TL.Store(pv, p + d);
            TL.Store(qv, q + d);
        }
        var sums = TL.Sum4(slowP, fastP, slowQ, fastQ);
        var uDelta = sums * c.GScale;
        var iDelta = Vector128.Create(sums.GetElement(2), sums.GetElement(3), 0f, 0f) * c.GScale;
        if (c.UseBiases)
        {
            float gbu = c.Lam * uState.GetElement(2) - e, gbi = c.Lam * iState.GetElement(2) - e;
            uDelta = uDelta.WithElement(2, steps.GetElement(3) * gbu).WithElement(3, gbu * gbu);
            iDelta = iDelta.WithElement(2, steps.GetElement(7) * gbi).WithElement(3, gbi * gbi);
        }
        (uState + uDelta).Store(us);
        (iState + iDelta).Store(its);
        return e;
    }

    private interface ILanes<TV> where TV : struct
    {
        static abstract int Width { get; }
        static abstract TV Load(float* p);
        static abstract void Store(TV v, float* p);
        static abstract TV Broadcast(float x);
        static abstract TV Add(TV a, TV b);
        static abstract TV Mul(TV a, TV b);
        static abstract TV Fma(TV a, TV b, TV c);
        static abstract TV Max0(TV a);
        /// <summary>All-ones lanes where the lane index is below <paramref name="n"/> (a scalar lane: n &gt; 0).</summary>
        static abstract TV LanesBelow(int n);
        static abstract TV Select(TV mask, TV ifSet, TV ifClear);
        static abstract float Sum(TV a);
        /// <summary>[Σa, Σb, Σc, Σd].</summary>
        static abstract Vector128<float> Sum4(TV a, TV b, TV c, TV d);
    }

    private readonly struct Lanes512 : ILanes<Vector512<float>>
    {
        public static int Width => 16;
        public static Vector512<float> Load(float* p) => Vector512.Load(p);
        public static void Store(Vector512<float> v, float* p) => v.Store(p);
        public static Vector512<float> Broadcast(float x) => Vector512.Create(x);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static Vector512<float> Max0(Vector512<float> a) => Vector512.Max(a, Vector512<float>.Zero);
        public static Vector512<float> LanesBelow(int n) =>
            Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)n));
        public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);
        public static float Sum(Vector512<float> a) => Vector512.Sum(a);
        public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
            Lanes256.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
    }

    private readonly struct Lanes256 : ILanes<Vector256<float>>
    {
        public static int Width => 8;
        public static Vector256<float> Load(float* p) => Vector256.Load(p);
        public static void Store(Vector256<float> v, float* p) => v.Store(p);
        public static Vector256<float> Broadcast(float x) => Vector256.Create(x);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static Vector256<float> Max0(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);
        public static Vector256<float> LanesBelow(int n) => Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)n));
        public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);
        public static float Sum(Vector256<float> a) => Vector256.Sum(a);
        public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d) =>
            Transpose4Sum(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());

        // [Σa, Σb, Σc, Σd] of four 4-lane vectors: interleave pairs and add, twice.
        private static Vector128<float> Transpose4Sum(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
        {
            if (!Sse.IsSupported) return Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));
            var ab = Sse.UnpackLow(a, b) + Sse.UnpackHigh(a, b); // [a0+a2, b0+b2, a1+a3, b1+b3]
            var cd = Sse.UnpackLow(c, d) + Sse.UnpackHigh(c, d);
            return Sse.MoveLowToHigh(ab, cd) + Sse.MoveHighToLow(cd, ab);
        }
    }

    private readonly struct LanesScalar : ILanes<float>
    {
        public static int Width => 1;
        public static float Load(float* p) => *p;
        public static void Store(float v, float* p) => *p = v;
        public static float Broadcast(float x) => x;
        public static float Add(float a, float b) => a + b;
        public static float Mul(float a, float b) => a * b;
        public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
        public static float Max0(float a) => MathF.Max(a, 0f);
        public static float LanesBelow(int n) => n > 0 ? BitConverter.Int32BitsToSingle(-1) : 0f;
        public static float Select(float mask, float a, float b) => BitConverter.SingleToInt32Bits(mask) != 0 ? a : b;
        public static float Sum(float a) => a;
        public static Vector128<float> Sum4(float a, float b, float c, float d) => Vector128.Create(a, b, c, d);
    }
}
