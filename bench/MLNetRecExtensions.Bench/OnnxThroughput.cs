using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Ranking;
using MLNetRecExtensions.TwoTower;

namespace MLNetRecExtensions.Bench;

/// <summary>ONNX export: file size and scoring rows/s through ONNX Runtime vs our transformer, interleaved (5 rounds each, medians).</summary>
internal static class OnnxThroughput
{
    public static void Run(MLContext ml, InteractionData data, MovieLensSideFeatures side)
    {
        Console.WriteLine("\n## ONNX export — ML-100K models; rows/s, median of 5 interleaved rounds (ONNX Runtime 1.31.1 CPU, default threads)");
        Console.WriteLine($"{"model",-34} {"ONNX bytes",11} {"ours rows/s",12} {"ORT rows/s",12} {"ORT/ours",9}");
        var view = data.ToDataView(ml);

        var mf = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = 64 }).Fit(view);
        var users = data.Users.Select(u => (long)u + 1).ToArray();
        var items = data.Items.Select(i => (long)i + 1).ToArray();
        Report("MF (iALS rank 64) score", Bytes(mf.ExportToOnnx), data.Count,
            () => mf.Transform(view).GetColumn<float>("Score").Count(),
            session => session.Run([Long("UserKey", users), Long("ItemKey", items)]).Dispose());

        var tt = ml.Recommenders().Trainers.TwoTower(MfVsSoftmaxBenchmark.FeatureOptions()).Fit(side.ToDataView(ml, data));
        var first = Enumerable.Range(0, data.Count).GroupBy(r => data.Users[r]).Select(g => g.First()).ToArray();
        var profiles = data.Subset(first);
        var profileView = side.ToDataView(ml, profiles);
        var history = Enumerable.Range(0, data.UserCount).Select(u => Enumerable.Range(0, data.Count).Where(r => data.Users[r] == u).Select(r => (long)data.Items[r] + 1).ToArray()).ToArray();
        int n = profiles.Count, length = history.Max(h => h.Length);
        var padded = profiles.Users.SelectMany(u => history[u].Concat(Enumerable.Repeat(0L, length - history[u].Length))).ToArray();
        Report("two-tower user tower (943 users)", Bytes(tt.ExportUserTowerToOnnx), n,
            () => tt.ComputeUserEmbeddings(profileView).Count,
            session => session.Run(
            [
                Long("User", profiles.Users.Select(u => (long)u + 1).ToArray()),
                NamedOnnxValue.CreateFromTensor("History", new DenseTensor<long>(padded, [n, length])),
                NamedOnnxValue.CreateFromTensor("Categorical", new DenseTensor<long>(profiles.Users.SelectMany(u => new long[] { side.GenderIndex(u) + 1, side.OccupationIndex(u) + 1 }).ToArray(), [n, 2])),
                NamedOnnxValue.CreateFromTensor("Continuous", new DenseTensor<float>(profiles.Users.Select(u => side.UserAge[u]).ToArray(), [n, 1])),
            ]).Dispose());
        Console.WriteLine($"{"two-tower item embeddings",-34} {Bytes(tt.ExportItemTowerToOnnx).Length,11:N0}");

        var labels = data.Labels.Select(l => l >= 4 ? 1f : 0f).ToArray();
        var clicks = side.ToDataView(ml, new InteractionData(data.UserCount, data.ItemCount, data.Users, data.Items, labels));
        var wd = ml.Recommenders().Trainers.WideAndDeep(new WideAndDeepOptions
        {
            WideFeatureColumnName = null, Mode = WideAndDeepMode.DeepOnly, CategoricalColumnNames = ["Gender", "Occupation"],
            ContinuousColumnNames = ["Age", "Genres"], NumberOfEpochs = 1,
        }).Fit(clicks);
        var continuous = Enumerable.Range(0, data.Count).SelectMany(r => new[] { side.UserAge[data.Users[r]] }
            .Concat(Enumerable.Range(0, MovieLensSideFeatures.GenreNames.Count).Select(g => side.HasGenre(data.Items[r], g) ? 1f : 0f))).ToArray();
        var cats = data.Users.SelectMany(u => new long[] { side.GenderIndex(u) + 1, side.OccupationIndex(u) + 1 }).ToArray();
        Report("Wide & Deep (deep part) score", Bytes(wd.ExportToOnnx), data.Count,
            () => wd.Transform(clicks).GetColumn<float>("Score").Count(),
            session => session.Run(
            [
                NamedOnnxValue.CreateFromTensor("Categorical", new DenseTensor<long>(cats, [data.Count, 2])),
                NamedOnnxValue.CreateFromTensor("Continuous", new DenseTensor<float>(continuous, [data.Count, 20])),
            ]).Dispose());
    }

    private static void Report(string name, byte[] onnx, int rows, Func<int> ours, Action<InferenceSession> ort)
    {
        using var session = new InferenceSession(onnx);
        ours(); ort(session); // warm-up
        var a = new List<double>();
        var b = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            var w = Stopwatch.StartNew(); ours(); a.Add(rows / w.Elapsed.TotalSeconds);
            w.Restart(); ort(session); b.Add(rows / w.Elapsed.TotalSeconds);
        }
        double ma = a.Order().ElementAt(2), mb = b.Order().ElementAt(2);
        Console.WriteLine($"{name,-34} {onnx.Length,11:N0} {ma,12:N0} {mb,12:N0} {mb / ma,9:F2}");
    }

    private static byte[] Bytes(Action<Stream> export)
    {
        using var stream = new MemoryStream();
        export(stream);
        return stream.ToArray();
    }

    private static NamedOnnxValue Long(string name, long[] values) => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(values, [values.Length]));
}
