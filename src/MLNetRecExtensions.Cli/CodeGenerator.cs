using System.Globalization;
using System.Text;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.ModelSelection;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// Writes the generated C# projects of a <c>recommendation</c> run: <c>Consumption/</c> (ModelInput/ModelOutput,
/// <c>RecommendationModel.Recommend(userId, k)</c> over model.zip with plain ML.NET, and a Program printing a user's
/// top-K as <c>user,item,rank,score</c> CSV like <c>mlnet-rec recommend</c>) and <c>Training/</c> (retrains the chosen
/// family with the chosen settings on the dataset in plain library calls and writes a new model.zip).
/// </summary>
internal static class CodeGenerator
{
    // The ML.NET version the library was built against (the generated projects use the same).
    private static string MlNetVersion => GeneratedLibraryReference.Dependencies().Dependencies["Microsoft.ML"];

    public static void Write(string directory, ExperimentConfig config, TrialSettings best)
    {
        // Stop MSBuild from importing the props of an enclosing repository (central package versions, warnings as errors).
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />\n");
        WriteConsumption(Path.Combine(directory, "Consumption"), config.Training.K);
        WriteTraining(Path.Combine(directory, "Training"), config, best);
    }

    private static void WriteConsumption(string dir, int storedK)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Consumption.csproj"), Project($$"""
                <PackageReference Include="Microsoft.ML" Version="{{MlNetVersion}}" />
              </ItemGroup>
              <ItemGroup>
                <None Include="../model.zip" Link="model.zip" CopyToOutputDirectory="PreserveNewest" />
            """));
        File.WriteAllText(Path.Combine(dir, "ModelInput.cs"), """
            namespace Consumption;

            /// <summary>One row in: the user's original id.</summary>
            public sealed class ModelInput
            {
                public string User { get; set; } = "";
            }
            """);
        File.WriteAllText(Path.Combine(dir, "ModelOutput.cs"), """
            namespace Consumption;

            /// <summary>One row out: the user's top-K items (original ids, best first), their scores, and whether the user was unknown.</summary>
            public sealed class ModelOutput
            {
                public string[] RecommendedItems { get; set; } = [];
                public float[] RecommendedScores { get; set; } = [];
                public bool IsColdStart { get; set; }
            }
            """);
        File.WriteAllText(Path.Combine(dir, "RecommendationModel.cs"), $$"""
            using Microsoft.ML;

            namespace Consumption;

            /// <summary>Loads model.zip (a plain ML.NET model) and answers the top-K items of a user.</summary>
            public sealed class RecommendationModel
            {
                /// <summary>Items stored per user in model.zip (mlnet-rec recommendation --k); <see cref="Recommend"/> answers at most this many.</summary>
                public const int StoredK = {{storedK}};

                private readonly PredictionEngine<ModelInput, ModelOutput> _engine;

                public RecommendationModel(string modelPath)
                {
                    var ml = new MLContext();
                    _engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(ml.Model.Load(modelPath, out _));
                }

                /// <summary>The top <paramref name="k"/> (item, score) pairs of <paramref name="userId"/>; unknown users get the most popular items.</summary>
                /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or above <see cref="StoredK"/>.</exception>
                public IReadOnlyList<(string Item, float Score)> Recommend(string userId, int k)
                {
                    if (k < 1 || k > StoredK)
                        throw new ArgumentOutOfRangeException(nameof(k), k, $"model.zip stores the top {StoredK} items per user; ask for 1 to {StoredK}, or retrain with mlnet-rec recommendation --k {k}.");
                    var output = _engine.Predict(new ModelInput { User = userId });
                    return output.RecommendedItems.Zip(output.RecommendedScores).Take(k).ToList();
                }
            }
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using System.Globalization;
            using Consumption;

            if (args.Length < 1)
            {
                Console.Error.WriteLine($"usage: dotnet run -- USER_ID [K (default and most: {RecommendationModel.StoredK})] [MODEL.zip]");
                return 2;
            }
            int k = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : RecommendationModel.StoredK;
            if (k < 1 || k > RecommendationModel.StoredK)
            {
                Console.Error.WriteLine($"K = {k}: model.zip stores the top {RecommendationModel.StoredK} items per user; give 1 to {RecommendationModel.StoredK}, or retrain with mlnet-rec recommendation --k {k}");
                return 2;
            }
            string modelPath = args.Length > 2 ? args[2] : Path.Combine(AppContext.BaseDirectory, "model.zip");
            var model = new RecommendationModel(modelPath);
            Console.WriteLine("user,item,rank,score");
            int rank = 0;
            foreach (var (item, score) in model.Recommend(args[0], k))
                Console.WriteLine($"{Csv(args[0])},{Csv(item)},{++rank},{score.ToString("R", CultureInfo.InvariantCulture)}");
            return 0;

            static string Csv(string field) =>
                field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
            """);
    }

    private static void WriteTraining(string dir, ExperimentConfig config, TrialSettings best)
    {
        Directory.CreateDirectory(dir);
        string reference = GeneratedLibraryReference.Write(dir);
        string fastTree = best.Kind == RecommenderKind.TwoStage
            ? $"""{Environment.NewLine}    <PackageReference Include="Microsoft.ML.FastTree" Version="{MlNetVersion}" />""" : "";
        File.WriteAllText(Path.Combine(dir, "Training.csproj"), Project(reference + fastTree));

        var d = config.Dataset;
        var format = d.Options.Format(d.Path);
        int seed = config.Training.Seed, k = config.Training.K;
        bool rated = d.RatingColumn != null;
        File.WriteAllText(Path.Combine(dir, "Program.cs"), $$"""
            // Retrains the model chosen by `mlnet-rec recommendation` ({{best.Kind}}: {{best.Describe()}}) on the dataset
            // and writes model.zip. Usage: dotnet run -- [DATASET] [MODEL.zip]
            using Microsoft.ML;
            using MLNetRecExtensions;
            using MLNetRecExtensions.Data;
            using MLNetRecExtensions.Factorization;
            using MLNetRecExtensions.Ranking;
            using MLNetRecExtensions.Recommendation;
            using MLNetRecExtensions.TwoTower;

            string dataset = args.Length > 0 ? args[0] : {{Literal(d.Path)}};
            string output = args.Length > 1 ? args[1] : "model.zip";
            var format = new DelimitedFileFormat
            {
                Separator = {{Literal(format.Separator)}},
                HasHeader = {{(format.HasHeader ? "true" : "false")}},
                UserColumn = {{Literal(format.UserColumn)}},
                ItemColumn = {{Literal(format.ItemColumn)}},
                RatingColumn = {{Literal(format.RatingColumn)}},
                TimestampColumn = {{Literal(format.TimestampColumn)}},
            };
            var data = InteractionLoaders.ReadDelimited(dataset, format);
            var ml = new MLContext({{seed}});
            {{TrainerCode(best, seed, k, rated)}}
            var topK = recommender.ToTransformer(ml, {{k}}, TopKRecommendationColumns.User);
            ml.Model.Save(topK, ml.Data.LoadFromEnumerable(Array.Empty<UserRow>()).Schema, output);
            Console.WriteLine($"Trained on {data.Count} interactions; wrote {Path.GetFullPath(output)}.");

            internal sealed class UserRow
            {
                public string User { get; set; } = "";
            }
            """);
    }

    // The chosen trainer as explicit catalog calls, every option spelled out with the value the search used.
    private static string TrainerCode(TrialSettings best, int seed, int k, bool rated)
    {
        string label = rated ? "\"Label\"" : "null";
        switch (best.Kind)
        {
            case RecommenderKind.Popularity:
                return """
                    var model = ml.Recommenders().Trainers.Popularity().Fit(data.ToDataView(ml));
                    var recommender = Recommender.Create(ml, model, data);
                    """;
            case RecommenderKind.ImplicitAls:
                return $$"""
                    var model = ml.Recommenders().Trainers.ImplicitAls({{AlsCode(best, seed, rated, label)}}).Fit(data.ToDataView(ml));
                    var recommender = Recommender.Create(ml, model, data);
                    """;
            case RecommenderKind.MatrixFactorization:
            {
                var o = RecommenderTrainers.MfOptions(best, seed);
                return $$"""
                    var model = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options
                    {
                        ApproximationRank = {{o.ApproximationRank}}, Lambda = {{Num(o.Lambda)}}, NumberOfIterations = {{o.NumberOfIterations}}, LearningRate = {{Num(o.LearningRate)}}, Seed = {{seed}},
                    }).Fit(data.ToDataView(ml));
                    var recommender = Recommender.Create(ml, model, data);
                    """;
            }
            case RecommenderKind.TwoTower:
            {
                var o = RecommenderTrainers.TwoTowerOptions(best, seed);
                return $$"""
                    var model = ml.Recommenders().Trainers.TwoTower(new TwoTowerOptions
                    {
                        EmbeddingDimension = {{o.EmbeddingDimension}}, NumberOfEpochs = {{o.NumberOfEpochs}}, Temperature = {{FloatNum(o.Temperature)}}f, LearningRate = {{FloatNum(o.LearningRate)}}f, Seed = {{seed}},
                    }).Fit(data.ToDataView(ml));
                    var recommender = Recommender.Create(ml, model, data);
                    """;
            }
            case RecommenderKind.TwoStage:
                return $$"""
                    var ranker = ml.Ranking.Trainers.FastTree(labelColumnName: PairFeatureColumns.Label, featureColumnName: PairFeatureColumns.Features,
                        rowGroupColumnName: PairFeatureColumns.GroupId, numberOfTrees: 50);
                    var twoStage = new TwoStageRecommender(ml, ml.Recommenders().Trainers.ImplicitAls({{AlsCode(best, seed, rated, label)}}), ranker,
                        new TwoStageOptions { CandidateCount = {{Math.Max(k, (int)best.Get("CandidateCount", 100))}}, K = {{k}}, Seed = {{seed}} }).Fit(data);
                    var recommender = Recommender.Create<string, string>(twoStage, data);
                    """;
            default:
                throw new ArgumentOutOfRangeException(nameof(best), best.Kind, "Unknown recommender kind.");
        }
    }

    private static string AlsCode(TrialSettings best, int seed, bool rated, string label)
    {
        ImplicitAlsTrainer.Options o = RecommenderTrainers.AlsOptions(best, seed, rated);
        return $"new ImplicitAlsTrainer.Options {{ ApproximationRank = {o.ApproximationRank}, Lambda = {Num(o.Lambda)}, Alpha = {Num(o.Alpha)}, NumberOfIterations = {o.NumberOfIterations}, LabelColumnName = {label}, Seed = {seed} }}";
    }

    // An SDK-style console project for net10.0 outside central package management; `items` fill its one ItemGroup.
    private static string Project(string items) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <InvariantGlobalization>true</InvariantGlobalization>
            <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
          </PropertyGroup>
          <ItemGroup>
        {items}
          </ItemGroup>
        </Project>
        """;

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string FloatNum(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Literal(string? s)
    {
        if (s == null) return "null";
        var b = new StringBuilder("\"");
        foreach (char c in s)
            b.Append(c switch { '\\' => "\\\\", '"' => "\\\"", '\t' => "\\t", '\n' => "\\n", '\r' => "\\r", _ when c < ' ' => $"\\u{(int)c:x4}", _ => c.ToString() });
        return b.Append('"').ToString();
    }
}
