using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// SGD on biased explicit MF, LIBMF's algorithm (<c>fpsg</c> with <c>P_L2_MFR</c>, as ML.NET's
/// MatrixFactorizationTrainer runs it) plus the biases:
/// <list type="bullet">
/// <item>Ratings are divided by their standard deviation <c>s</c> (1 when below 1e-3) and λ by <c>s</c> while training (the objective is
/// unchanged: the factors are multiplied by <c>√s</c> and the biases by <c>s</c> at the end).</item>
/// <item>Initial factors <c>U(0, 1)·√(1/k)</c> (in the scaled units) for every user and item with a rating, zero for
/// the others (P and Q each from a SplitMix64 sequence seeded from the run's <see cref="Random"/>); biases 0.</item>
/// <item>Per-row AdaGrad (see <see cref="SgdKernel"/>) with LIBMF's split of each row into its first 4 ("slow")
/// dimensions and the rest, each with its own sum; both sums grow by <c>Σ g²/4</c> (LIBMF divides the fast dimensions'
/// sum by 4 too, so their step shrinks faster at larger k); the first iteration updates only the slow dimensions and
/// the biases.</item>
/// <item>The ratings are cut into a <c>B × B</c> block grid (<see cref="SgdBlockGrid"/>, sorted inside each block;
/// <c>B = 8</c> up to two threads, <c>4·threads</c> beyond).</item>
/// </list>
/// An epoch visits the <c>B</c> block diagonals (block <c>(r, (r + d) mod B)</c> for every row bin <c>r</c>) in a
/// seeded random order. The blocks of a diagonal are taken in pairs (positions 2j and 2j + 1), and one kernel call
/// updates both pair members alternately, rating by rating: they share no user or item row, so this equals updating one
/// and then the other, while the core overlaps the two dependency chains (one rating's update waits for the previous
/// rating's row writes; alone the kernel is latency-bound). Each pair runs once the blocks before its blocks in their
/// row and column bins have finished (a thread takes the next ready pair of the sequence and waits only for those), so
/// threads flow from one diagonal into the next without a barrier, and every user and item row sees its updates in
/// sequence order: the result depends only on the seed and <c>B</c>, never on the thread count or timing (identical for
/// one and two threads). The factors live in 64-byte-aligned rows padded to the SIMD width while training.
/// </summary>
internal sealed unsafe class ExplicitSgd : IDisposable
{
    /// <summary>
    /// Factor matrices larger than this (2 MiB, about one core's L2 cache) are trained with prefetching (see
    /// <see cref="SgdState.Prefetch"/>); below it the rows stay in cache and prefetching only adds instructions.
    /// </summary>
    public const long PrefetchAboveBytes = 2L << 20;

    /// <summary>LIBMF's slow dimensions (<c>kALIGN</c> of its SSE build).</summary>
    public const int SlowDimensions = 4;

    private readonly SgdBlockGrid _grid;
    private readonly SgdKernelKind _kind;
    private readonly int _rank, _stride, _users, _items, _bins;
    private readonly float[] _p, _q, _userState, _itemState;
    private readonly int _pAt, _qAt;
    private readonly int[] _userCount, _itemCount, _sequence, _rowDone, _columnDone;
    private readonly double[] _blockLoss;
    private readonly float[] _userRowCount, _itemRowCount; // ratings per factor row
    private readonly SgdWorkers? _workers;
    private readonly float _mean, _scale;
    private readonly bool _useBiases;
    private readonly int[] _claimed;
    private int _firstOpen;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ExplicitSgd(InteractionData data, int rank, float mean, bool useBiases, int threads, Random random)
    {
        _rank = rank;
        _users = data.UserCount;
        _items = data.ItemCount;
        _useBiases = useBiases;
        _kind = ForcedKernel ?? Pick(_rank);
        int width = SgdKernel.Width(_kind);
        _stride = (_rank + width - 1) / width * width;
        _scale = LabelScale(data.Labels);
        _mean = mean / _scale;
        _bins = Math.Max(1, threads <= 2 ? 8 : 4 * threads);
        // The team first (a kept team's helper may need waking; it joins the setup below when it comes).
        if (threads > 1) _workers = SgdWorkers.Rent(Math.Min(threads, _bins));
        _grid = new SgdBlockGrid(data, _bins, random, _scale, build: false);
        ulong seedP = (ulong)random.NextInt64(), seedQ = (ulong)random.NextInt64();
        _userCount = new int[_users];
        _itemCount = new int[_items];
        _userRowCount = new float[_users];
        _itemRowCount = new float[_items];
        (_p, _pAt) = Padded(_users);
        (_q, _qAt) = Padded(_items);
        _userState = RowState(_users);
        _itemState = RowState(_items);
        _sequence = new int[_bins * _bins];
        _claimed = new int[_bins * ((_bins + 1) / 2)];
        _rowDone = new int[_bins];
        _columnDone = new int[_bins];
        _blockLoss = new double[_bins * _bins];
        var setup = Setup(data, seedP, seedQ);
        if (_workers == null) setup.Work(0, () => false);
        else _workers.Run(w => setup.Work(w, () => _workers.Failed));
        _grid.ReleaseSortBuffers();
    }

    // The grid's build (count, offsets, scatter, sort; see SgdBlockGrid), the ratings per user and item, and the draws
    // of P and Q (each from its own generator) as claimable tasks; the independent ones sit where a worker would
    // otherwise wait for the offsets.
    private SgdPhasedTasks Setup(InteractionData data, ulong seedP, ulong seedQ)
    {
        const int Count = 0, Offsets = 1, Scatter = 2, Sort = 3, Tallies = 4, Draw = 5;
        var tasks = new SgdPhasedTasks();
        for (int c = 0; c < SgdBlockGrid.Chunks; c++)
        {
            int chunk = c;
            tasks.Add(Count, -1, _ => _grid.CountChunk(chunk));
        }
        tasks.Add(Tallies, -1, _ => Tally(data.Users, _userCount));
        tasks.Add(Tallies, -1, _ => Tally(data.Items, _itemCount));
        tasks.Add(Offsets, Count, _ => _grid.ComputeOffsets());
        tasks.Add(Draw, Tallies, _ =>
        {
            Initialize(_p, _pAt, _userCount, _grid.UserRow, seedP);
            ByRow(_userCount, _grid.UserRow, _userRowCount);
        });
        tasks.Add(Draw, Tallies, _ =>
        {
            Initialize(_q, _qAt, _itemCount, _grid.ItemRow, seedQ);
            ByRow(_itemCount, _grid.ItemRow, _itemRowCount);
        });
        for (int c = 0; c < SgdBlockGrid.Chunks; c++)
        {
            int chunk = c;
            tasks.Add(Scatter, Offsets, _ => _grid.ScatterChunk(chunk));
        }
        var counts = new int[_workers?.Count ?? 1][]; // each worker's scratch for the block sorts
        for (int b = 0; b < _bins * _bins; b++)
        {
            int block = b;
            tasks.Add(Sort, Scatter, w => _grid.SortBlock(block, counts[w] ??= new int[_grid.SortBufferLength]));
        }
        return tasks;
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

    /// <summary>The label scale <c>s</c>: the standard deviation of the training ratings (LIBMF's), or 1 when it is below 1e-3.</summary>
    public float Scale => _scale;

    private static SgdKernelKind Pick(int rank)
    {
        if (Vector512.IsHardwareAccelerated && rank > 8) return SgdKernelKind.Vector512;
        if (Vector256.IsHardwareAccelerated) return SgdKernelKind.Vector256;
        return SgdKernelKind.Scalar;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float LabelScale(float[] labels)
    {
        double sum = 0, sum2 = 0;
        foreach (float l in labels)
        {
            sum += l;
            sum2 += (double)l * l;
        }
        double mean = sum / labels.Length, std = Math.Sqrt(Math.Max(0, sum2 / labels.Length - mean * mean));
        // LIBMF floors s at 1e-4; near-constant labels would then blow λ/s up, so they train unscaled instead.
        return std < 1e-3 ? 1f : (float)std;
    }

    /// <summary>
    /// One epoch (<paramref name="epoch"/> counts from 1; epoch 1 updates only the slow dimensions); returns the sum of
    /// squared errors of the ratings as each was met, before its update (LIBMF's training loss), in rating units. The
    /// sum is taken in block order, so it is deterministic too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Epoch(int epoch, float learningRate, float lambda, bool nonNegative, Random random)
    {
        int bins = _bins;
        var diagonals = new int[bins];
        for (int d = 0; d < bins; d++) diagonals[d] = d;
        random.Shuffle(diagonals);
        for (int s = 0; s < bins; s++)
            for (int r = 0; r < bins; r++) _sequence[s * bins + r] = r * bins + (r + diagonals[s]) % bins;
        var state = State(learningRate, lambda, nonNegative, slowOnly: epoch == 1);
        if (_workers == null)
        {
            for (int t = 0; t < _claimed.Length; t++) RunTask(state, t);
        }
        else
        {
            Array.Clear(_rowDone);
            Array.Clear(_columnDone);
            Array.Clear(_claimed);
            _firstOpen = 0;
            _workers.Run(_ => RunSequence(state));
        }
        double sum = 0;
        foreach (double l in _blockLoss) sum += l;
        return sum * _scale * _scale;
    }

    // Task t of the epoch: positions 2j and 2j + 1 of wave w (t = w·TasksPerWave + j; the second is absent when it
    // would leave the wave), two blocks of different row and column bins, updated together by one kernel call.
    private (int Wave, int First, int Second) Task(int t)
    {
        int perWave = (_bins + 1) / 2, wave = t / perWave, first = wave * _bins + 2 * (t % perWave);
        return (wave, first, first + 1 < (wave + 1) * _bins ? first + 1 : -1);
    }

    // Claims and runs tasks until every task of the epoch is claimed. A task is ready once the row bins and column
    // bins of its blocks have finished every block before them in the sequence (their wave, Task.Wave, blocks each); a
    // thread takes the first ready unclaimed task, so a slow thread holds back only the tasks that depend on its own.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunSequence(SgdState state)
    {
        int n = _claimed.Length;
        while (Volatile.Read(ref _firstOpen) < n)
        {
            int t = FindReady();
            if (t < 0)
            {
                SgdWorkers.WaitUntil(() => _workers!.Failed || Volatile.Read(ref _firstOpen) >= n || FindReady() >= 0);
                if (_workers!.Failed) return;
                continue;
            }
            if (Interlocked.CompareExchange(ref _claimed[t], 1, 0) != 0) continue;
            for (int f; (f = Volatile.Read(ref _firstOpen)) < n && Volatile.Read(ref _claimed[f]) != 0;)
                Interlocked.CompareExchange(ref _firstOpen, f + 1, f);
            RunTask(state, t);
            var (wave, first, second) = Task(t);
            MarkDone(_sequence[first], wave);
            if (second >= 0) MarkDone(_sequence[second], wave);
        }
    }

    private void MarkDone(int block, int wave)
    {
        Volatile.Write(ref _rowDone[block / _bins], wave + 1);
        Volatile.Write(ref _columnDone[block % _bins], wave + 1);
    }

    // The first unclaimed task whose blocks are ready, or -1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindReady()
    {
        int n = _claimed.Length;
        for (int t = Volatile.Read(ref _firstOpen); t < n; t++)
        {
            if (Volatile.Read(ref _claimed[t]) != 0) continue;
            var (wave, first, second) = Task(t);
            if (Ready(_sequence[first], wave) && (second < 0 || Ready(_sequence[second], wave))) return t;
        }
        return -1;
    }

    private bool Ready(int block, int wave) =>
        Volatile.Read(ref _rowDone[block / _bins]) == wave && Volatile.Read(ref _columnDone[block % _bins]) == wave;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunTask(in SgdState state, int t)
    {
        var (_, first, second) = Task(t);
        int a = _sequence[first], b = second < 0 ? -1 : _sequence[second];
        int[] start = _grid.BlockStart;
        var (lossA, lossB) = SgdKernel.Run(_kind, state, _grid.Users, _grid.Items, _grid.Labels,
            start[a], start[a + 1], b < 0 ? 0 : start[b], b < 0 ? 0 : start[b + 1]);
        _blockLoss[a] = lossA;
        if (b >= 0) _blockLoss[b] = lossB;
    }

    private SgdState State(float learningRate, float lambda, bool nonNegative, bool slowOnly)
    {
        fixed (float* p = _p, q = _q, us = _userState, its = _itemState)
            return new SgdState
            {
                // The arrays are pinned (allocated on the pinned heap), so the pointers stay valid after `fixed`.
                P = p + _pAt, Q = q + _qAt, UserState = us, ItemState = its,
                Stride = _stride, SlowDimensions = Math.Min(SlowDimensions, _rank), Mean = _mean,
                LearningRate = learningRate, Lambda = lambda / _scale,
                SlowScale = 1f / SlowDimensions, FastScale = 1f / SlowDimensions,
                UseBiases = _useBiases, NonNegative = nonNegative, SlowOnly = slowOnly,
                Prefetch = ((long)_users + _items) * _stride * sizeof(float) > PrefetchAboveBytes,
            };
    }

    /// <summary>
    /// The objective (see <see cref="ExplicitFactors"/>) of the current factors divided by the number of ratings, in
    /// rating units: the loss before training when called before the first epoch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Loss(float lambda)
    {
        var state = State(0, lambda, false, false);
        var tasks = new SgdPhasedTasks();
        for (int b = 0; b < _bins * _bins; b++)
        {
            int block = b;
            tasks.Add(0, -1, _ => _blockLoss[block] = SgdKernel.Loss(_kind, state, _grid.Users, _grid.Items, _grid.Labels,
                _grid.BlockStart[block], _grid.BlockStart[block + 1]));
        }
        if (_workers == null) tasks.Work(0, () => false);
        else _workers.Run(w => tasks.Work(w, () => _workers.Failed));
        double sum = 0;
        foreach (double l in _blockLoss) sum += l;
        return (sum * _scale * _scale + Regularization(lambda)) / _grid.BlockStart[^1];
    }

    /// <summary><c>λ Σ_(u,i) (‖p_u‖² + ‖q_i‖² + b_u² + b_i²)</c> over the training ratings (rating units), from per-row rating counts.</summary>
    public double Regularization(float lambda)
    {
        fixed (float* p = _p, q = _q, us = _userState, its = _itemState)
            return lambda * (WeightedNorms(p + _pAt, us, _userRowCount, _stride, _scale) + WeightedNorms(q + _qAt, its, _itemRowCount, _stride, _scale));
    }

    // Σ_row count·(s‖row‖² + s²·bias²) over rows `stride` floats apart (zero padding adds nothing), each ‖row‖² summed
    // in float, 8 lanes at a time, the total in double.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double WeightedNorms(float* rows, float* state, float[] counts, int stride, double s)
    {
        double total = 0;
        for (int r = 0; r < counts.Length; r++)
        {
            if (counts[r] == 0) continue;
            float* row = rows + (nint)r * stride;
            var acc = Vector256<float>.Zero;
            int d = 0;
            for (; d + 8 <= stride; d += 8)
            {
                var v = Vector256.Load(row + d);
                acc = Vector256.FusedMultiplyAdd(v, v, acc);
            }
            float norm = Vector256.Sum(acc);
            for (; d < stride; d++) norm += row[d] * row[d];
            float bias = state[4 * r + 2];
            total += counts[r] * (s * norm + s * s * bias * bias);
        }
        return total;
    }

    /// <summary>Writes the current factors and biases into <paramref name="factors"/> (rating units, original row order).</summary>
    public void CopyTo(ExplicitFactors factors)
    {
        float root = MathF.Sqrt(_scale);
        Copy(_p, _pAt, _grid.UserRow, factors.P, _userState, factors.Bu, root);
        Copy(_q, _qAt, _grid.ItemRow, factors.Q, _itemState, factors.Bi, root);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Copy(float[] source, int at, int[] rowOf, float[] target, float[] rowState, float[] biases, float root)
    {
        for (int x = 0; x < rowOf.Length; x++)
        {
            int row = rowOf[x];
            System.Numerics.Tensors.TensorPrimitives.Multiply(new ReadOnlySpan<float>(source, at + row * _stride, _rank), root,
                new Span<float>(target, x * _rank, _rank));
            biases[x] = rowState[4 * row + 2] * _scale;
        }
    }

    public void Dispose()
    {
        _workers?.Return();
        _grid.Release();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ByRow(int[] counts, int[] rowOf, float[] byRow)
    {
        for (int x = 0; x < counts.Length; x++) byRow[rowOf[x]] = counts[x];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tally(int[] indices, int[] counts)
    {
        foreach (int x in indices) counts[x]++;
    }

    // A pinned array holding `rows` rows of `_stride` floats starting at a 64-byte boundary (offset returned), zero.
    private (float[] Array, int Offset) Padded(int rows)
    {
        var a = GC.AllocateArray<float>(rows * _stride + 16, pinned: true);
        int offset;
        fixed (float* p = a) offset = (int)((64 - ((nint)p & 63)) & 63) / sizeof(float);
        return (a, offset);
    }

    // LIBMF's init_model: U(0, 1)·√(1/k) per dimension for rows with ratings (drawn in original row order from a
    // SplitMix64 sequence seeded with `seed`, 24 random bits per value), zero otherwise.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Initialize(float[] a, int at, int[] counts, int[] rowOf, ulong seed)
    {
        float scale = MathF.Sqrt(1f / _rank) / (1 << 24);
        ulong state = seed;
        for (int x = 0; x < counts.Length; x++)
        {
            if (counts[x] == 0) continue;
            int start = at + rowOf[x] * _stride;
            for (int d = 0; d < _rank; d++)
            {
                ulong z = state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                a[start + d] = (float)((z ^ (z >> 31)) >> 40) * scale;
            }
        }
    }

    // Four floats per row: AdaGrad sums 1 (slow) and 1 (fast), bias 0, bias AdaGrad sum 1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] RowState(int rows)
    {
        var a = GC.AllocateArray<float>(4 * rows, pinned: true);
        for (int r = 0; r < rows; r++)
        {
            a[4 * r] = 1f;
            a[4 * r + 1] = 1f;
            a[4 * r + 3] = 1f;
        }
        return a;
    }
}
