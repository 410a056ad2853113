using MLNetRecExtensions.Features;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.TwoTower;

/// <summary>The packed layout shared by <see cref="UserTowerScorer"/> and <see cref="ItemTowerScorer"/>: a continuous
/// scaler (raw width, clamp, powers, buckets, shift, scale, bucket boundaries) and an MLP (layers L, L + 1 widths,
/// per layer W <c>[in, out]</c> and b).</summary>
internal static class TowerPacking
{
    public static void WriteScaler(PackedFloatWriter w, ContinuousScaler scaler)
    {
        w.Int(scaler.RawWidth); w.Bool(scaler.Clamp); w.Bool(scaler.AddPowers); w.Int(scaler.Buckets);
        w.Floats(scaler.Shift); w.Floats(scaler.Scale);
        foreach (var bounds in scaler.BucketBoundaries) w.Floats(bounds);
    }

    public static ContinuousScaler ReadScaler(PackedFloatReader r)
    {
        int raw = r.Int(); bool clamp = r.Bool(), powers = r.Bool(); int buckets = r.Int();
        var shift = r.Floats(raw);
        var scale = r.Floats(raw);
        var bounds = new float[buckets > 0 ? raw : 0][];
        for (int s = 0; s < bounds.Length; s++) bounds[s] = r.Floats(buckets - 1);
        return new ContinuousScaler(shift, scale, clamp, powers, bounds);
    }

    public static void WriteMlp(PackedFloatWriter w, int[] widths, float[][] weights, float[][] biases)
    {
        w.Int(weights.Length);
        foreach (int width in widths) w.Int(width);
        for (int l = 0; l < weights.Length; l++) { w.Floats(weights[l]); w.Floats(biases[l]); }
    }

    public static (int[] Widths, float[][] Weights, float[][] Biases) ReadMlp(PackedFloatReader r)
    {
        int layers = r.Int();
        var widths = new int[layers + 1];
        for (int l = 0; l <= layers; l++) widths[l] = r.Int();
        var weights = new float[layers][];
        var biases = new float[layers][];
        for (int l = 0; l < layers; l++) { weights[l] = r.Floats(widths[l] * widths[l + 1]); biases[l] = r.Floats(widths[l + 1]); }
        return (widths, weights, biases);
    }
}
