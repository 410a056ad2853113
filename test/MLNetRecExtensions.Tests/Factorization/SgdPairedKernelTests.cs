using MLNetRecExtensions.Factorization;
using static MLNetRecExtensions.Tests.Factorization.FactorizationTestData;

namespace MLNetRecExtensions.Tests.Factorization;

/// <summary>
/// The kernel updates two blocks of one diagonal in one call, alternating rating by rating. Blocks of different row and
/// column bins share no rows, so the result must be bit-identical to updating one block and then the other.
/// </summary>
[TestClass]
public sealed unsafe class SgdPairedKernelTests
{
    // Factor rows of `rows` × stride (rank padded with zeros) and row state [1, 1, bias, 1] per row.
    private static (float[] Factors, float[] State) Rows(int rows, int rank, int stride, Random random)
    {
        var f = GC.AllocateArray<float>(rows * stride, pinned: true);
        var st = GC.AllocateArray<float>(rows * 4, pinned: true);
        for (int r = 0; r < rows; r++)
        {
            for (int d = 0; d < rank; d++) f[r * stride + d] = random.NextSingle() * 0.5f;
            st[4 * r] = 1;
            st[4 * r + 1] = 1;
            st[4 * r + 2] = random.NextSingle() * 0.1f;
            st[4 * r + 3] = 1;
        }
        return (f, st);
    }

    private static ((double, double) Loss, float[] P, float[] Q, float[] Us, float[] Is) Train(SgdKernelKind kind, int rank, bool slowOnly, bool paired)
    {
        var (train, _) = LowRank(40, 30, 0.7, 6);
        var grid = new SgdBlockGrid(train, 4, new Random(2));
        int width = SgdKernel.Width(kind), stride = (rank + width - 1) / width * width;
        var random = new Random(rank);
        var (p, us) = Rows(40, rank, stride, random);
        var (q, its) = Rows(30, rank, stride, random);
        fixed (float* pp = p, qq = q, up = us, ip = its)
        {
            var s = new SgdState
            {
                P = pp, Q = qq, UserState = up, ItemState = ip, Stride = stride, SlowDimensions = Math.Min(4, rank), Mean = 3,
                LearningRate = 0.1f, Lambda = 0.05f, SlowScale = 0.25f, FastScale = 0.25f, UseBiases = true, SlowOnly = slowOnly,
            };
            // Blocks (0, 0) and (1, 1) of the 4 × 4 grid: different row and column bins.
            int[] start = grid.BlockStart;
            int a = 0, b = 5;
            (double, double) loss;
            if (paired) loss = SgdKernel.Run(kind, s, grid.Users, grid.Items, grid.Labels, start[a], start[a + 1], start[b], start[b + 1]);
            else
            {
                var first = SgdKernel.Run(kind, s, grid.Users, grid.Items, grid.Labels, start[a], start[a + 1], 0, 0);
                var second = SgdKernel.Run(kind, s, grid.Users, grid.Items, grid.Labels, start[b], start[b + 1], 0, 0);
                Assert.AreEqual(0.0, first.B);
                loss = (first.A, second.A);
            }
            return (loss, p, q, us, its);
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(8)]
    [DataRow(13)]
    [DataRow(32)]
    [DataRow(64)]
    [DataRow(100)]
    public void TwoBlocksInOneCallEqualOneBlockAfterTheOtherForEveryWidth(int rank)
    {
        foreach (var kind in new[] { SgdKernelKind.Scalar, SgdKernelKind.Vector256, SgdKernelKind.Vector512 })
            foreach (bool slowOnly in new[] { true, false })
            {
                var paired = Train(kind, rank, slowOnly, paired: true);
                var serial = Train(kind, rank, slowOnly, paired: false);
                string what = $"{kind}, rank {rank}, slowOnly {slowOnly}";
                Assert.AreNotEqual(0.0, paired.Loss.Item1, what);
                Assert.AreNotEqual(0.0, paired.Loss.Item2, what);
                Assert.AreEqual(serial.Loss, paired.Loss, what);
                CollectionAssert.AreEqual(serial.P, paired.P, what);
                CollectionAssert.AreEqual(serial.Q, paired.Q, what);
                CollectionAssert.AreEqual(serial.Us, paired.Us, what);
                CollectionAssert.AreEqual(serial.Is, paired.Is, what);
            }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(4)]
    [DataRow(5)]
    [DataRow(6)]
    [DataRow(7)]
    [DataRow(8)]
    [DataRow(9)]
    [DataRow(16)]
    [DataRow(17)]
    [DataRow(33)]
    [DataRow(64)]
    [DataRow(100)]
    public void VectorWidthsMatchTheScalarPathAtEveryRank(int rank)
    {
        // Ranks 5-8 at width 8 take the specialised one-vector-per-row update.
        var scalar = Train(SgdKernelKind.Scalar, rank, slowOnly: false, paired: true);
        foreach (var kind in new[] { SgdKernelKind.Vector256, SgdKernelKind.Vector512 })
        {
            var vector = Train(kind, rank, slowOnly: false, paired: true);
            int width = SgdKernel.Width(kind), stride = (rank + width - 1) / width * width;
            Assert.AreEqual(scalar.Loss.Item1, vector.Loss.Item1, 1e-3 * scalar.Loss.Item1, $"{kind} rank {rank}");
            for (int r = 0; r < 40; r++)
            {
                for (int d = 0; d < rank; d++)
                    Assert.AreEqual(scalar.P[r * rank + d], vector.P[r * stride + d], 1e-4f, $"{kind} rank {rank} user {r} dim {d}");
                for (int d = rank; d < stride; d++) Assert.AreEqual(0f, vector.P[r * stride + d], $"{kind} rank {rank}: padding stays zero");
            }
        }
    }
}
