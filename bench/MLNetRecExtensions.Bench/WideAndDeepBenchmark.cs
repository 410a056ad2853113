using System.Diagnostics;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;
using MLNetRecExtensions.Features;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// Wide &amp; Deep on UCI Adult and on MovieLens 100K as click data (rating ≥ 4 → 1, random 80/20 split, seed 1):
/// a comparison table (wide only, deep only, Wide &amp; Deep, FastTree, LightGBM, FFM, SDCA logistic regression) per
/// data set, then Adult speed: training examples/s, scoring rows/s of the typed transformer vs the saved/loaded
/// chain (checked identical), and FastTree's fit time in the same run as the reference ratio.
/// Adult features: the tutorial's one-hots and crosses plus equal-frequency bins (≤ 32) of each continuous column,
/// one-hot in the wide part and embedded in the deep part.
/// Args: [adult|movielens|speed|all (all)], or <c>tune [movielens] LR,ALPHA,BATCH,EPOCHS[,L2[,MODE]] …</c> to try
/// Wide &amp; Deep settings on Adult (or the clicks).
/// Data from ../shared/data or MLNETREC_DATA.
/// </summary>
internal sealed class WideAndDeepBenchmark : IBenchmark
{
    public string Name => "widedeep";

    public string Description => "Wide & Deep vs FastTree/LightGBM/FFM/SDCA on Adult and MovieLens clicks; train/score speed";

    public void Run(string[] args)
    {
        string what = args.Length > 0 ? args[0] : "all";
        if (what is "adult" or "all") Adult();
        if (what is "movielens" or "all") MovieLens();
        if (what is "speed" or "all") Speed();
        if (what is "tune") Tune(args.Skip(1).ToArray());
    }

    private static string DataFile(params string[] parts)
    {
        var root = Environment.GetEnvironmentVariable("MLNETREC_DATA");
        if (string.IsNullOrEmpty(root))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLNetRecExtensions.sln"))) dir = dir.Parent;
            root = Path.Combine(dir?.Parent?.FullName ?? ".", "shared", "data");
        }
        return Path.Combine(root, Path.Combine(parts));
    }

    // ---------------------------------------------------------------- UCI Adult

    private static readonly string[] AdultKeys = UciAdult.CategoricalColumns.Select(c => c + "Key").ToArray();

    private static (IDataView Train, IDataView Test) AdultFeatures(MLContext ml)
    {
        var train = UciAdult.Load(ml, DataFile("uci-adult", "adult.data"));
        var test = UciAdult.Load(ml, DataFile("uci-adult", "adult.test"));
        var cats = UciAdult.CategoricalColumns;
        var crosses = new CrossProductOptions
        {
            HashBits = 12,
            Crosses =
            [
                new CrossColumn("EduXOcc", "Education", "Occupation"),
                new CrossColumn("CountryXOcc", "NativeCountry", "Occupation"),
                new CrossColumn("AgeXEduXOcc", "AgeBucket", "Education", "Occupation"),
            ],
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey(cats.Select((c, i) => new InputOutputColumnPair(AdultKeys[i], c)).ToArray())
            .Append(ml.Transforms.Categorical.OneHotEncoding(cats.Select(c => new InputOutputColumnPair(c + "Hot", c)).ToArray()))
            .Append(ml.Recommenders().Transforms.CrossProduct(crosses))
            .Append(ml.Transforms.NormalizeBinning(UciAdult.ContinuousColumns.Select(c => new InputOutputColumnPair(c + "Bin", c)).ToArray(), maximumBinCount: 32))
            .Append(ml.Transforms.Conversion.MapValueToKey(UciAdult.ContinuousColumns.Select(c => new InputOutputColumnPair(c + "BinKey", c + "Bin")).ToArray()))
            .Append(ml.Transforms.Categorical.OneHotEncoding(UciAdult.ContinuousColumns.Select(c => new InputOutputColumnPair(c + "BinHot", c + "Bin")).ToArray()))
            .Append(ml.Transforms.Concatenate("Hots", cats.Select(c => c + "Hot").ToArray()))
            .Append(ml.Transforms.Concatenate("Wide", ["Hots", "EduXOcc", "CountryXOcc", "AgeXEduXOcc", .. UciAdult.ContinuousColumns.Select(c => c + "BinHot")]))
            .Append(ml.Transforms.Concatenate("Continuous", UciAdult.ContinuousColumns))
            .Append(ml.Transforms.NormalizeMeanVariance("ContinuousNorm", "Continuous"))
            .Append(ml.Transforms.NormalizeBinning("ContinuousBins", "Continuous", maximumBinCount: 64))
            .Append(ml.Transforms.Concatenate("TreeFeatures", "Continuous", "Hots"))
            .Append(ml.Transforms.Concatenate("LinearFeatures", "ContinuousNorm", "Wide"));
        var fitted = pipeline.Fit(train);
        return (ml.Data.Cache(fitted.Transform(train)), ml.Data.Cache(fitted.Transform(test)));
    }

    private static WideAndDeepOptions AdultOptions(WideAndDeepMode mode) => new()
    {
        Mode = mode,
        WideFeatureColumnName = "Wide",
        CategoricalColumnNames = [.. AdultKeys, .. UciAdult.ContinuousColumns.Select(c => c + "BinKey")],
        ContinuousColumnNames = [.. UciAdult.ContinuousColumns, "ContinuousBins"],
        DeepLearningRate = 0.1f,
        FtrlAlpha = 0.5f,
    };

    private static void Adult()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = AdultFeatures(ml);
        var board = Compare(ml, train, test, AdultOptions, "TreeFeatures", "LinearFeatures", ["ContinuousNorm", "Wide"],
            "UCI Adult: adult.data (32,561) → adult.test (16,281)");
        Console.WriteLine(board.ToMarkdown());
    }

    private static BinaryLeaderboard Compare(MLContext ml, IDataView train, IDataView test, Func<WideAndDeepMode, WideAndDeepOptions> options,
        string treeFeatures, string linearFeatures, string[] ffmFields, string dataset)
    {
        var bc = ml.BinaryClassification.Trainers;
        var comparison = new BinaryClassifierComparison(ml)
            .Add("Wide only (FTRL, crosses)", ml.Recommenders().Trainers.WideAndDeep(options(WideAndDeepMode.WideOnly)))
            .Add("Deep only (embeddings + MLP)", ml.Recommenders().Trainers.WideAndDeep(options(WideAndDeepMode.DeepOnly)))
            .Add("Wide & Deep", ml.Recommenders().Trainers.WideAndDeep(options(WideAndDeepMode.WideAndDeep)))
            .Add("FastTree", bc.FastTree(featureColumnName: treeFeatures))
            .Add("LightGBM", bc.LightGbm(featureColumnName: treeFeatures))
            .Add("FFM", bc.FieldAwareFactorizationMachine(ffmFields))
            .Add("SDCA logistic regression", bc.SdcaLogisticRegression(featureColumnName: linearFeatures));
        return comparison.Run(train, test, dataset, line => Console.Error.WriteLine("  " + line));
    }

    private static void Tune(string[] a)
    {
        var ml = new MLContext(seed: 1);
        bool clicks = a.Length > 0 && a[0] == "movielens";
        var (train, test) = clicks ? ClickFeatures(ml) : AdultFeatures(ml);
        foreach (var spec in a.Skip(clicks ? 1 : 0))
        {
            var p = spec.Split(',').Select(float.Parse).ToArray();
            var o = clicks ? ClickOptions(WideAndDeepMode.WideAndDeep) : AdultOptions(WideAndDeepMode.WideAndDeep);
            o.DeepLearningRate = p[0]; o.FtrlAlpha = p[1]; o.BatchSize = (int)p[2]; o.NumberOfEpochs = (int)p[3];
            if (p.Length > 4) o.FtrlL2 = p[4];
            if (p.Length > 5) o.Mode = (WideAndDeepMode)(int)p[5];
            var clock = Stopwatch.StartNew();
            var m = ml.Recommenders().Trainers.WideAndDeep(o).Fit(train, test);
            var r = ml.BinaryClassification.Evaluate(m.Transform(test));
            Console.WriteLine($"{spec}: acc {r.Accuracy:F4} auc {r.AreaUnderRocCurve:F4} ll {r.LogLoss:F4} train {m.TrainingHistory[^1].TrainingLoss:F4} valid-auc {m.TrainingHistory[^1].ValidationAuc:F4} {clock.Elapsed.TotalSeconds:F1}s");
        }
    }

    // ---------------------------------------------------------------- MovieLens 100K clicks

    private sealed class ClickRow
    {
        public string User { get; set; } = "";
        public string Item { get; set; } = "";
        public float Age { get; set; }
        public string Gender { get; set; } = "";
        public string Occupation { get; set; } = "";
        public string[] Genres { get; set; } = [];
        [VectorType(19)] public float[] GenreFlags { get; set; } = [];
        public float Year { get; set; }
        public bool Label { get; set; }
    }

    private static IReadOnlyList<ClickRow> ReadClicks()
    {
        var genreNames = File.ReadLines(DataFile("movielens-100k", "u.genre")).Where(l => l.Contains('|')).Select(l => l.Split('|')[0]).ToArray();
        var users = File.ReadLines(DataFile("movielens-100k", "u.user")).Select(l => l.Split('|')).ToDictionary(f => f[0]);
        var items = File.ReadLines(DataFile("movielens-100k", "u.item"), Encoding.Latin1).Select(l => l.Split('|')).ToDictionary(f => f[0]);
        var rows = new List<ClickRow>();
        foreach (var line in File.ReadLines(DataFile("movielens-100k", "u.data")))
        {
            var f = line.Split('\t');
            var u = users[f[0]];
            var it = items[f[1]];
            var flags = it.Skip(5).Take(19).Select(float.Parse).ToArray();
            var date = it[2];
            rows.Add(new ClickRow
            {
                User = f[0], Item = f[1], Age = float.Parse(u[1]), Gender = u[2], Occupation = u[3],
                Genres = genreNames.Where((_, g) => flags[g] > 0).ToArray(), GenreFlags = flags,
                Year = date.Length >= 4 ? float.Parse(date[^4..]) : 1995f, Label = int.Parse(f[2]) >= 4,
            });
        }
        return rows;
    }

    private static readonly string[] ClickCategorical = ["User", "Item", "Gender", "Occupation"];

    private static void MovieLens()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = ClickFeatures(ml);
        var board = Compare(ml, train, test, ClickOptions, "TreeFeatures", "LinearFeatures", ["ContinuousNorm", "Hots"],
            "MovieLens 100K clicks (rating ≥ 4), random 80/20 split, seed 1");
        Console.WriteLine(board.ToMarkdown());
    }

    private static WideAndDeepOptions ClickOptions(WideAndDeepMode mode) => new()
    {
        Mode = mode,
        WideFeatureColumnName = "Wide",
        CategoricalColumnNames = ClickCategorical.Select(c => c + "Key").ToArray(),
        ContinuousColumnNames = ["Age", "Year", "GenreFlags"],
        FtrlAlpha = 1f,
    };

    private static (IDataView Train, IDataView Test) ClickFeatures(MLContext ml)
    {
        var all = ml.Data.LoadFromEnumerable(ReadClicks());
        var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);
        var crosses = new CrossProductOptions
        {
            HashBits = 14,
            Crosses =
            [
                new CrossColumn("OccXGenre", "Occupation", "Genres"),
                new CrossColumn("GenderXGenre", "Gender", "Genres"),
                new CrossColumn("UserXGenre", "User", "Genres"),
            ],
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey(ClickCategorical.Select(c => new InputOutputColumnPair(c + "Key", c)).ToArray())
            .Append(ml.Transforms.Categorical.OneHotEncoding(ClickCategorical.Select(c => new InputOutputColumnPair(c + "Hot", c)).ToArray()))
            .Append(ml.Recommenders().Transforms.CrossProduct(crosses))
            .Append(ml.Transforms.Concatenate("Hots", [.. ClickCategorical.Select(c => c + "Hot"), "GenreFlags"]))
            .Append(ml.Transforms.Concatenate("Wide", "Hots", "OccXGenre", "GenderXGenre", "UserXGenre"))
            .Append(ml.Transforms.Concatenate("Continuous", "Age", "Year"))
            .Append(ml.Transforms.NormalizeMeanVariance("ContinuousNorm", "Continuous"))
            .Append(ml.Transforms.Concatenate("TreeFeatures", "Continuous", "Hots"))
            .Append(ml.Transforms.Concatenate("LinearFeatures", "ContinuousNorm", "Wide"));
        var fitted = pipeline.Fit(split.TrainSet);
        var train = ml.Data.Cache(fitted.Transform(split.TrainSet));
        var test = ml.Data.Cache(fitted.Transform(split.TestSet));
        return (train, test);
    }

    // ---------------------------------------------------------------- speed

    private static void Speed()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = AdultFeatures(ml);
        long trainRows = train.GetRowCount() ?? 0, testRows = test.GetRowCount() ?? 0;
        var options = AdultOptions(WideAndDeepMode.WideAndDeep);
        var clock = Stopwatch.StartNew();
        var model = ml.Recommenders().Trainers.WideAndDeep(options).Fit(train);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        ml.BinaryClassification.Trainers.FastTree(featureColumnName: "TreeFeatures").Fit(train);
        double fastTreeSeconds = clock.Elapsed.TotalSeconds;

        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        var loaded = ml.Model.Load(stream, out _);
        Console.WriteLine($"model file: {stream.Length / 1024.0:F0} KiB, packed parameters: {model.Parameters.Pack().Length} floats");

        var (typedScores, typedSeconds) = ScoreAll(model, test);
        var (loadedScores, loadedSeconds) = ScoreAll(loaded, test);
        bool identical = typedScores.AsSpan().SequenceEqual(loadedScores);

        Console.WriteLine($"{"measure",-48} {"value",12} {"ratio",10}");
        Console.WriteLine($"{"Wide & Deep fit (s), " + options.NumberOfEpochs + " epochs",-48} {fitSeconds,12:F2} {fitSeconds / fastTreeSeconds,9:F2}× FastTree");
        Console.WriteLine($"{"FastTree fit (s), 100 trees",-48} {fastTreeSeconds,12:F2} {1.0,9:F2}×");
        Console.WriteLine($"{"Wide & Deep training examples/s",-48} {trainRows * options.NumberOfEpochs / fitSeconds,12:F0}");
        Console.WriteLine($"{"scoring rows/s, typed transformer",-48} {testRows / typedSeconds,12:F0} {1.0,9:F2}×");
        Console.WriteLine($"{"scoring rows/s, saved/loaded chain",-48} {testRows / loadedSeconds,12:F0} {typedSeconds / loadedSeconds,9:F2}× typed");
        Console.WriteLine($"typed vs loaded scores bit-identical: {identical}");
    }

    private static (float[] Scores, double Seconds) ScoreAll(ITransformer model, IDataView data)
    {
        float[] scores = [];
        double best = double.MaxValue;
        for (int rep = 0; rep < 3; rep++)
        {
            var clock = Stopwatch.StartNew();
            scores = model.Transform(data).GetColumn<float>("Score").ToArray();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return (scores, best);
    }
}
