using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
/// (the rank padded with zeros to the kernel width; padding stays zero because its gradient is zero).
/// </summary>
internal unsafe struct SgdState
{
    public float* P, Q, UserG, ItemG, UserBias, ItemBias, UserBiasG, ItemBiasG;
    public int Stride;
    public float Mean, LearningRate, Lambda, InverseRank;
    public bool UseBiases, NonNegative;
}

/// <summary>
/// The update of one rating, LIBMF's adaptive SGD: <c>e = r − (μ + b_u + b_i + p·q)</c>;
/// <c>g_p = λp − e·q</c>, <c>g_q = λq − e·p</c> (from the old values); <c>p −= η/√G_u · g_p</c>, then
/// <c>G_u += ‖g_p‖²/k</c> (likewise for q, and for each bias with its own accumulator and <c>g_b = λb − e</c>).
/// One generic loop serves every vector width; <see cref="Run"/> returns <c>Σ e²</c> (before the updates).
/// </summary>
internal static unsafe class SgdKernel
{
    public static int Width(SgdKernelKind kind) => (int)kind;

    /// <summary>Updates the ratings <c>[from, to)</c> of the given arrays in order; returns their squared errors' sum.</summary>
    public static double Run(SgdKernelKind kind, in SgdState s, int[] users, int[] items, float[] labels, int from, int to) => kind switch
    {
        SgdKernelKind.Vector512 => Run<Lanes512, Vector512<float>>(s, users, items, labels, from, to),
        SgdKernelKind.Vector256 => Run<Lanes256, Vector256<float>>(s, users, items, labels, from, to),
        _ => Run<LanesScalar, float>(s, users, items, labels, from, to),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Run<TL, TV>(in SgdState s, int[] users, int[] items, float[] labels, int from, int to)
        where TL : struct, ILanes<TV> where TV : struct
    {
        // Locals, not fields of `s`: stores through the float pointers would otherwise force the fields to be re-read.
        int stride = s.Stride, w = TL.Width;
        float* P = s.P, Q = s.Q, userG = s.UserG, itemG = s.ItemG;
        float* userBias = s.UserBias, itemBias = s.ItemBias, userBiasG = s.UserBiasG, itemBiasG = s.ItemBiasG;
        float lr = s.LearningRate, lam = s.Lambda, mean = s.Mean, inverseRank = s.InverseRank;
        bool useBiases = s.UseBiases, nonNegative = s.NonNegative;
        TV lambda = TL.Broadcast(lam);
        var negLr = Vector128.Create(-lr);
        double loss = 0;
        fixed (int* pu = users, pi = items)
        fixed (float* pr = labels)
        {
            for (int r = from; r < to; r++)
            {
                int u = pu[r], i = pi[r];
                float* p = P + (nint)u * stride;
                float* q = Q + (nint)i * stride;
                TV acc = default;
                for (int d = 0; d < stride; d += w) acc = TL.Fma(TL.Load(p + d), TL.Load(q + d), acc);
                float predicted = mean + TL.Sum(acc);
                if (useBiases) predicted += userBias[u] + itemBias[i];
                float e = pr[r] - predicted;
                loss += e * e;
                TV negE = TL.Broadcast(-e);
                // The four step sizes −η/√G in one vector square root and division (exact, as four scalar ones).
                var steps = negLr / Vector128.Sqrt(Vector128.Create(userG[u], itemG[i], userBiasG[u], itemBiasG[i]));
                TV stepP = TL.Broadcast(steps.GetElement(0));
                TV stepQ = TL.Broadcast(steps.GetElement(1));
                TV sumP = default, sumQ = default;
                for (int d = 0; d < stride; d += w)
                {
                    TV pv = TL.Load(p + d), qv = TL.Load(q + d);
                    TV gp = TL.Fma(negE, qv, TL.Mul(lambda, pv));
                    TV gq = TL.Fma(negE, pv, TL.Mul(lambda, qv));
                    sumP = TL.Fma(gp, gp, sumP);
                    sumQ = TL.Fma(gq, gq, sumQ);
                    pv = TL.Fma(stepP, gp, pv);
                    qv = TL.Fma(stepQ, gq, qv);
                    if (nonNegative)
                    {
                        pv = TL.Max0(pv);
                        qv = TL.Max0(qv);
                    }
                    TL.Store(pv, p + d);
                    TL.Store(qv, q + d);
                }
                userG[u] += TL.Sum(sumP) * inverseRank;
                itemG[i] += TL.Sum(sumQ) * inverseRank;
                if (useBiases)
                {
                    float gbu = lam * userBias[u] - e, gbi = lam * itemBias[i] - e;
                    userBias[u] += steps.GetElement(2) * gbu;
                    itemBias[i] += steps.GetElement(3) * gbi;
                    userBiasG[u] += gbu * gbu;
                    itemBiasG[i] += gbi * gbi;
                }
            }
        }
        return loss;
    }

    private interface ILanes<TV> where TV : struct
    {
        static abstract int Width { get; }
        static abstract TV Load(float* p);
        static abstract void Store(TV v, float* p);
        static abstract TV Broadcast(float x);
        static abstract TV Mul(TV a, TV b);
        static abstract TV Fma(TV a, TV b, TV c);
        static abstract TV Max0(TV a);
        static abstract float Sum(TV a);
    }

    private readonly struct Lanes512 : ILanes<Vector512<float>>
    {
        public static int Width => 16;
        public static Vector512<float> Load(float* p) => Vector512.Load(p);
        public static void Store(Vector512<float> v, float* p) => v.Store(p);
        public static Vector512<float> Broadcast(float x) => Vector512.Create(x);
        public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static Vector512<float> Max0(Vector512<float> a) => Vector512.Max(a, Vector512<float>.Zero);
        public static float Sum(Vector512<float> a) => Vector512.Sum(a);
    }

    private readonly struct Lanes256 : ILanes<Vector256<float>>
    {
        public static int Width => 8;
        public static Vector256<float> Load(float* p) => Vector256.Load(p);
        public static void Store(Vector256<float> v, float* p) => v.Store(p);
        public static Vector256<float> Broadcast(float x) => Vector256.Create(x);
        public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static Vector256<float> Max0(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);
        public static float Sum(Vector256<float> a) => Vector256.Sum(a);
    }

    private readonly struct LanesScalar : ILanes<float>
    {
        public static int Width => 1;
        public static float Load(float* p) => *p;
        public static void Store(float v, float* p) => *p = v;
        public static float Broadcast(float x) => x;
        public static float Mul(float a, float b) => a * b;
        public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
        public static float Max0(float a) => MathF.Max(a, 0f);
        public static float Sum(float a) => a;
    }
}
