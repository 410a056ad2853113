using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>Small saved models for the model-file and <c>score</c> cases, and damaged copies of them.</summary>
internal static class BadInputModels
{
    /// <summary>12 users × 10 items with string ids "u0".. and "i0"..; ratings 1–5.</summary>
    public static InteractionData Ratings()
    {
        var users = new List<int>();
        var items = new List<int>();
        var labels = new List<float>();
        for (int u = 0; u < 12; u++)
            for (int i = 0; i < 10; i++)
                if ((u + 2 * i) % 3 != 0) { users.Add(u); items.Add(i); labels.Add(1 + (u * i) % 5); }
        return new InteractionData(12, 10, [.. users], [.. items], [.. labels], null,
            Enumerable.Range(0, 12).Select(u => "u" + (100 + u)).ToArray(), Enumerable.Range(0, 10).Select(i => "i" + (200 + i)).ToArray());
    }

    /// <summary>MF trained on key columns carrying their ids (InteractionData.ToDataView), saved with that schema.</summary>
    public static (string Path, ITransformer Model, IDataView Data) KeyModelWithIds(string dir)
    {
        var ml = new MLContext(1);
        var view = Ratings().ToDataView(ml);
        var model = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { NumberOfThreads = 1, NumberOfIterations = 5 }).Fit(view);
        var path = Path.Combine(dir, "keys-with-ids.zip");
        ml.Model.Save(model, view.Schema, path);
        return (path, model, view);
    }

    private sealed class BareKeyRow
    {
        [KeyType(12)] public uint UserId { get; set; }
        [KeyType(10)] public uint ItemId { get; set; }
        public float Label { get; set; }
    }

    /// <summary>MF trained on bare key columns (no key values): raw ids cannot be mapped (case 6).</summary>
    public static string KeyModelWithoutIds(string dir)
    {
        var ml = new MLContext(1);
        var data = Ratings();
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, data.Count).Select(r => new BareKeyRow
        { UserId = (uint)data.Users[r], ItemId = (uint)data.Items[r], Label = data.Labels[r] }));
        var model = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { NumberOfThreads = 1, NumberOfIterations = 3 }).Fit(view);
        var path = Path.Combine(dir, "bare-keys.zip");
        ml.Model.Save(model, view.Schema, path);
        return path;
    }

    private sealed class TutorialRow
    {
        public float userId { get; set; }
        public float movieId { get; set; }
        public float Label { get; set; }
    }

    /// <summary>The ML.NET tutorial shape: numeric id columns mapped to keys inside the pipeline.</summary>
    public static string NumericIdModel(string dir)
    {
        var ml = new MLContext(1);
        var data = Ratings();
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, data.Count).Select(r => new TutorialRow
        { userId = data.Users[r] + 1, movieId = data.Items[r] + 1, Label = data.Labels[r] }));
        var model = ml.Transforms.Conversion.MapValueToKey("UserId", "userId")
            .Append(ml.Transforms.Conversion.MapValueToKey("ItemId", "movieId"))
            .Append(ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { NumberOfThreads = 1, NumberOfIterations = 3 }))
            .Fit(view);
        var path = Path.Combine(dir, "numeric-ids.zip");
        ml.Model.Save(model, view.Schema, path);
        return path;
    }

    private sealed class IrisRow
    {
        public float Length { get; set; }
        public float Width { get; set; }
        public string Label { get; set; } = "";
    }

    /// <summary>A multiclass model (Score is a vector) whose pipeline maps the text Label to a key (case 12).</summary>
    public static string MulticlassModel(string dir)
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 60).Select(k => new IrisRow { Length = k % 3 + 0.1f * (k % 7), Width = k % 3, Label = "c" + k % 3 }).ToArray();
        var view = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Concatenate("Features", nameof(IrisRow.Length), nameof(IrisRow.Width)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 5))
            .Fit(view);
        var path = Path.Combine(dir, "multiclass.zip");
        ml.Model.Save(model, view.Schema, path);
        return path;
    }

    /// <summary>The first half of <paramref name="model"/>'s bytes.</summary>
    public static string Truncated(string model, string dir)
    {
        var bytes = File.ReadAllBytes(model);
        var path = Path.Combine(dir, "truncated.zip");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    /// <summary>The model with its middle third overwritten by 0xFF (the zip directory at the end stays intact).</summary>
    public static string Corrupted(string model, string dir)
    {
        var bytes = File.ReadAllBytes(model);
        for (int b = bytes.Length / 3; b < 2 * bytes.Length / 3; b++) bytes[b] = 0xFF;
        var path = Path.Combine(dir, "corrupted.zip");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
