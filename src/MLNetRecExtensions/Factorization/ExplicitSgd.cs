using System.Runtime.Intrinsics;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// SGD on <see cref="ExplicitFactors"/> with LIBMF's per-row adaptive step and LIBMF's block-grid parallelism
/// (see <see cref="SgdKernel"/> for the update). The ratings are shuffled once and cut into a <c>B × B</c> grid
/// (<see cref="SgdBlockGrid"/>, <c>B = 8</c> up to two threads, <c>4·threads</c> beyond); an epoch visits the
/// <c>B</c> block diagonals (block <c>(r, (r + d) mod B)</c> for every row bin <c>r</c>) in a seeded random order, and
/// the threads share each diagonal's blocks, which touch disjoint users and items. Blocks of one diagonal commute,
/// so the result depends only on the seed and <c>B</c>: it is deterministic for any thread count and identical for
/// one and two threads. The factors live in 64-byte-aligned rows padded to the SIMD width while training.
/// </summary>
internal sealed unsafe class ExplicitSgd : IDisposable
{
    private readonly SgdBlockGrid _grid;
    private readonly SgdKernelKind _kind;
    private readonly int _rank, _stride, _users, _items;
    private readonly float[] _p, _q, _userG, _itemG, _userBias, _itemBias, _userBiasG, _itemBiasG;
    private readonly int _pAt, _qAt;
    private readonly int[] _userCount, _itemCount, _diagonals, _next;
    private readonly double[] _blockLoss;
    private readonly SgdWorkers? _workers;
    private readonly float _mean;
    private readonly bool _useBiases;

    public ExplicitSgd(InteractionData data, ExplicitFactors factors, int threads, Random random)
    {
        _rank = factors.Rank;
        _users = data.UserCount;
        _items = data.ItemCount;
        _mean = factors.Mean;
        _useBiases = factors.UseBiases;
        _kind = ForcedKernel ?? Pick(_rank);
        int width = SgdKernel.Width(_kind);
        _stride = (_rank + width - 1) / width * width;
        (_p, _pAt) = Padded(factors.P, _users);
        (_q, _qAt) = Padded(factors.Q, _items);
        _userG = Filled(_users, 1f);
        _itemG = Filled(_items, 1f);
        _userBiasG = Filled(_users, 1f);
        _itemBiasG = Filled(_items, 1f);
        _userBias = GC.AllocateArray<float>(_users, pinned: true);
        _itemBias = GC.AllocateArray<float>(_items, pinned: true);
        factors.Bu.CopyTo(_userBias, 0);
        factors.Bi.CopyTo(_itemBias, 0);
        int bins = Math.Max(1, threads <= 2 ? 8 : 4 * threads);
        _grid = new SgdBlockGrid(data, bins, random);
        _userCount = new int[_users];
        _itemCount = new int[_items];
        foreach (int u in data.Users) _userCount[u]++;
        foreach (int i in data.Items) _itemCount[i]++;
        _diagonals = new int[bins];
        _next = new int[bins];
        _blockLoss = new double[bins * bins];
        if (threads > 1) _workers = new SgdWorkers(Math.Min(threads, bins));
    }

    /// <summary>
    /// Test hook, per calling thread: forces the kernel width of SGD runs created on this thread (null = the widest the
    /// CPU accelerates that suits the rank). Widths the CPU lacks still compute exactly, in software emulation.
    /// </summary>
    internal static SgdKernelKind? ForcedKernel
    {
        get => t_forcedKernel;
        set => t_forcedKernel = value;
    }

    [ThreadStatic]
    private static SgdKernelKind? t_forcedKernel;

    /// <summary>Kernel width used by this run.</summary>
    public SgdKernelKind Kind => _kind;

    private static SgdKernelKind Pick(int rank)
    {
        if (Vector512.IsHardwareAccelerated && rank > 8) return SgdKernelKind.Vector512;
        if (Vector256.IsHardwareAccelerated) return SgdKernelKind.Vector256;
        return SgdKernelKind.Scalar;
    }

    /// <summary>
    /// One epoch; returns the sum of squared errors of the ratings as each was met, before its update (LIBMF's
    /// training loss). The sum is taken in block order, so it is deterministic too.
    /// </summary>
    public double Epoch(float learningRate, float lambda, bool nonNegative, Random random)
    {
        int bins = _grid.Bins;
        for (int d = 0; d < bins; d++) _diagonals[d] = d;
        random.Shuffle(_diagonals);
        fixed (float* p = _p, q = _q, ug = _userG, ig = _itemG, ub = _userBias, ib = _itemBias, ubg = _userBiasG, ibg = _itemBiasG)
        {
            var state = new SgdState
            {
                P = p + _pAt, Q = q + _qAt, UserG = ug, ItemG = ig, UserBias = ub, ItemBias = ib, UserBiasG = ubg, ItemBiasG = ibg,
                Stride = _stride, Mean = _mean, LearningRate = learningRate, Lambda = lambda, InverseRank = 1f / _rank,
                UseBiases = _useBiases, NonNegative = nonNegative,
            };
            if (_workers == null)
            {
                foreach (int d in _diagonals)
                    for (int r = 0; r < bins; r++) RunBlock(state, r * bins + (r + d) % bins);
            }
            else
            {
                Array.Clear(_next);
                _workers.Run(_ =>
                {
                    for (int s = 0; s < bins; s++)
                    {
                        int d = _diagonals[s];
                        for (int r; (r = Interlocked.Increment(ref _next[s]) - 1) < bins;) RunBlock(state, r * bins + (r + d) % bins);
                        _workers.Sync();
                    }
                });
            }
        }
        double sum = 0;
        foreach (double l in _blockLoss) sum += l;
        return sum;
    }

    private void RunBlock(in SgdState state, int block) =>
        _blockLoss[block] = SgdKernel.Run(_kind, state, _grid.Users, _grid.Items, _grid.Labels, _grid.BlockStart[block], _grid.BlockStart[block + 1]);

    /// <summary><c>λ Σ_(u,i) (‖p_u‖² + ‖q_i‖² + b_u² + b_i²)</c> over the training ratings, from per-row rating counts.</summary>
    public double Regularization(float lambda)
    {
        double reg = 0;
        for (int u = 0; u < _users; u++) reg += _userCount[u] * (SquaredNorm(_p, _pAt + u * _stride) + (double)_userBias[u] * _userBias[u]);
        for (int i = 0; i < _items; i++) reg += _itemCount[i] * (SquaredNorm(_q, _qAt + i * _stride) + (double)_itemBias[i] * _itemBias[i]);
        return lambda * reg;
    }

    private double SquaredNorm(float[] a, int at)
    {
        var row = new ReadOnlySpan<float>(a, at, _rank);
        return System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
    }

    /// <summary>Writes the current factors and biases into <paramref name="factors"/> (unpadded).</summary>
    public void CopyTo(ExplicitFactors factors)
    {
        for (int u = 0; u < _users; u++) Array.Copy(_p, _pAt + u * _stride, factors.P, u * _rank, _rank);
        for (int i = 0; i < _items; i++) Array.Copy(_q, _qAt + i * _stride, factors.Q, i * _rank, _rank);
        _userBias.CopyTo(factors.Bu, 0);
        _itemBias.CopyTo(factors.Bi, 0);
    }

    public void Dispose() => _workers?.Dispose();

    // A pinned array holding `rows` rows of `_stride` floats starting at a 64-byte boundary (offset returned), zero padded.
    private (float[] Array, int Offset) Padded(float[] source, int rows)
    {
        var a = GC.AllocateArray<float>(rows * _stride + 16, pinned: true);
        int offset;
        fixed (float* p = a) offset = (int)((64 - ((nint)p & 63)) & 63) / sizeof(float);
        for (int r = 0; r < rows; r++) Array.Copy(source, r * _rank, a, offset + r * _stride, _rank);
        return (a, offset);
    }

    private static float[] Filled(int n, float value)
    {
        var a = GC.AllocateArray<float>(n, pinned: true);
        Array.Fill(a, value);
        return a;
    }
}
