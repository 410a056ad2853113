namespace MLNetRecExtensions.TwoTower;

/// <summary>Gathers item features per item from training rows: each item takes the values of its FIRST row; an item
/// without rows gets missing categoricals (−1) and the mean of each continuous slot over the rows.</summary>
internal static class ItemFeatureTable
{
    public static ItemFeatureRows Gather(ItemFeatureRows perRow, int[] items, int itemCount)
    {
        int w = perRow.ContinuousWidth;
        var first = new int[itemCount];
        Array.Fill(first, -1);
        for (int r = items.Length - 1; r >= 0; r--) first[items[r]] = r;
        var means = new double[w];
        for (int j = 0; j < perRow.Continuous.Length; j++) means[j % w] += perRow.Continuous[j];
        var mean = means.Select(s => items.Length == 0 ? 0f : (float)(s / items.Length)).ToArray();
        var cats = perRow.Categoricals.Select(_ => new int[itemCount]).ToArray();
        var continuous = new float[itemCount * w];
        for (int i = 0; i < itemCount; i++)
        {
            int r = first[i];
            for (int f = 0; f < cats.Length; f++) cats[f][i] = r >= 0 ? perRow.Categoricals[f][r] : -1;
            (r >= 0 ? perRow.ContinuousOf(r) : mean).CopyTo(continuous.AsSpan(i * w, w));
        }
        return new ItemFeatureRows { Categoricals = cats, Continuous = continuous, ContinuousWidth = w };
    }
}
