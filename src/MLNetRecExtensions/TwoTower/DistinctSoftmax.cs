using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.TwoTower;

/// <summary>
/// The unmasked softmax cross-entropy of <see cref="RetrievalLoss"/> computed over the DISTINCT rows of U and the
/// distinct columns of V. A mini-batch repeats users and items (a 1024-row ML-100K batch holds about 510 distinct
/// users and 560 distinct items), and equal rows give equal logits, so each distinct pair is scored once:
/// with g(r) the group of row r (n_g rows), h(c) the group of column c (m_h columns with the same vector and log Q),
/// <c>z_gh = u_g·v_h/τ − logQ_h + log m_h</c>, <c>lse_g = log Σ_h e^(z_gh)</c> and <c>P_gh = e^(z_gh − lse_g)</c>:
/// <list type="bullet">
/// <item>loss = (1/B) Σ_r (lse_g(r) − (u_r·v_t(r)/τ − logQ_t(r))), the same value as over all B × C logits;</item>
/// <item>∂L/∂u_r = (1/(Bτ)) (Σ_h P_g(r)h v_h − v_t(r));</item>
/// <item>∂L/∂v_c = (1/(Bτ)) ((1/m_h(c)) Σ_g n_g P_gh(c) u_g − Σ_{r: t(r) = c} u_r).</item>
/// </list>
/// These are the exact per-row and per-column gradients of the full B × C loss (the sums are only regrouped), at
/// the cost of G × H logits instead of B × C. Rows are equal when their bits are equal (columns also need equal log Q).
/// </summary>
internal sealed class DistinctSoftmax
{
    private float[] _logits = [];
    private float[] _rows = [];
    private float[] _columns = [];
    private float[] _s = [];
    private float[] _t = [];

    public float Compute(float[] u, int b, float[] v, int c, int d, float invT, ReadOnlySpan<int> targets,
        ReadOnlySpan<float> logQ, float[] dU, float[] dV, int threads)
    {
        var rowGroup = new int[b];
        var rowFirst = Group(u, b, d, default, rowGroup);
        var columnGroup = new int[c];
        var columnFirst = Group(v, c, d, logQ, columnGroup);
        int g = rowFirst.Count, h = columnFirst.Count;
        var rowCount = new float[g];
        foreach (int x in rowGroup) rowCount[x]++;
        var columnCount = new float[h];
        foreach (int x in columnGroup) columnCount[x]++;

        Grow(ref _rows, g * d);
        Grow(ref _columns, h * d);
        Grow(ref _logits, g * h);
        Grow(ref _s, g * d);
        Grow(ref _t, h * d);
        var rows = _rows.AsSpan(0, g * d);
        var columns = _columns.AsSpan(0, h * d);
        for (int x = 0; x < g; x++) u.AsSpan(rowFirst[x] * d, d).CopyTo(rows.Slice(x * d, d));
        for (int x = 0; x < h; x++) v.AsSpan(columnFirst[x] * d, d).CopyTo(columns.Slice(x * d, d));
        var offsets = new float[h];
        for (int x = 0; x < h; x++) offsets[x] = (logQ.IsEmpty ? 0f : logQ[columnFirst[x]]) - MathF.Log(columnCount[x]);

        var logits = _logits.AsSpan(0, g * h);
        Gemm.Multiply(false, true, g, h, d, invT, rows, columns, 0f, logits, threads);

        // Target logits before the softmax overwrites the buffer.
        double total = 0;
        var targetLogit = new float[b];
        for (int r = 0; r < b; r++)
        {
            int t = targets[r];
            targetLogit[r] = logits[rowGroup[r] * h + columnGroup[t]] - (logQ.IsEmpty ? 0f : logQ[t]);
        }
        var lse = new float[g];
        for (int x = 0; x < g; x++)
        {
            var z = logits.Slice(x * h, h);
            TensorPrimitives.Subtract(z, offsets, z);
            var (max, sum) = RowSoftmax.ShiftedExp(z, z);
            lse[x] = max + MathF.Log(sum);
            TensorPrimitives.Multiply(z, 1f / sum, z); // P_x·
        }
        for (int r = 0; r < b; r++) total += lse[rowGroup[r]] - targetLogit[r];

        float scale = invT / b;
        // dU_r = scale · (S_g(r) − v_t(r)), S = P·V_distinct.
        var s = _s.AsSpan(0, g * d);
        Gemm.Multiply(false, false, g, d, h, scale, logits, columns, 0f, s, threads);
        for (int r = 0; r < b; r++)
        {
            var row = dU.AsSpan(r * d, d);
            TensorPrimitives.MultiplyAdd(v.AsSpan(targets[r] * d, d), -scale, s.Slice(rowGroup[r] * d, d), row);
        }
        // dV_c = scale · (T_h(c) − Σ_{t(r)=c} u_r), T_h = (1/m_h) Σ_g n_g P_gh u_g.
        for (int x = 0; x < g; x++) TensorPrimitives.Multiply(logits.Slice(x * h, h), rowCount[x], logits.Slice(x * h, h));
        var t2 = _t.AsSpan(0, h * d);
        Gemm.Multiply(true, false, h, d, g, scale, logits, rows, 0f, t2, threads);
        for (int col = 0; col < c; col++)
            TensorPrimitives.Multiply(t2.Slice(columnGroup[col] * d, d), 1f / columnCount[columnGroup[col]], dV.AsSpan(col * d, d));
        for (int r = 0; r < b; r++)
        {
            var column = dV.AsSpan(targets[r] * d, d);
            TensorPrimitives.MultiplyAdd(u.AsSpan(r * d, d), -scale, column, column);
        }
        return (float)(total / b);
    }

    /// <summary>
    /// Numbers the distinct rows of <c>x</c> (<c>[n, d]</c>; with <paramref name="extra"/>, row i also needs equal
    /// <c>extra[i]</c>) in order of first appearance: <paramref name="groupOf"/>[i] is row i's group, the result the
    /// first row of each group. Equality is bitwise.
    /// </summary>
    internal static List<int> Group(float[] x, int n, int d, ReadOnlySpan<float> extra, int[] groupOf)
    {
        var first = new List<int>();
        var chain = new List<int>(); // next group with the same hash, or −1
        var byHash = new Dictionary<int, int>(n);
        for (int i = 0; i < n; i++)
        {
            var row = MemoryMarshal.Cast<float, int>(x.AsSpan(i * d, d));
            int extraBits = extra.IsEmpty ? 0 : BitConverter.SingleToInt32Bits(extra[i]);
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(row));
            hash.Add(extraBits);
            int key = hash.ToHashCode();
            int found = -1;
            if (byHash.TryGetValue(key, out int head))
                for (int grp = head; grp >= 0; grp = chain[grp])
                {
                    int j = first[grp];
                    if ((extra.IsEmpty || BitConverter.SingleToInt32Bits(extra[j]) == extraBits)
                        && row.SequenceEqual(MemoryMarshal.Cast<float, int>(x.AsSpan(j * d, d))))
                    {
                        found = grp;
                        break;
                    }
                }
            if (found < 0)
            {
                found = first.Count;
                first.Add(i);
                chain.Add(byHash.TryGetValue(key, out int previous) ? previous : -1);
                byHash[key] = found;
            }
            groupOf[i] = found;
        }
        return first;
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
    }
}
