using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// The <c>recommendation.mbconfig</c>-style record of a <c>mlnet-rec recommendation</c> run: what was read, how it
/// was split, every trial with its settings, score and time, and the choice. <c>--config FILE</c> repeats the run
/// from its <see cref="Dataset"/> and <see cref="Training"/> sections.
/// </summary>
internal sealed record ExperimentConfig(
    int Version, string Scenario, DatasetSection Dataset, TrainingSection Training, string TestSplit, string ValidationSplit,
    IReadOnlyList<TrialRecord> Trials, TrialRecord? Best, Dictionary<string, double>? TestMetrics, string ToolVersion)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <exception cref="UsageException">The file is missing or not such a config.</exception>
    public static ExperimentConfig Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--config: file not found: {path}");
        try
        {
            return JsonSerializer.Deserialize<ExperimentConfig>(File.ReadAllText(path), Json)
                ?? throw new UsageException($"--config {path} is empty");
        }
        catch (JsonException e)
        {
            throw new UsageException($"--config {path} is not a mlnet-rec recommendation config: {e.Message}");
        }
    }
}

/// <summary>The data of a run: files and columns as given on the command line.</summary>
internal sealed record DatasetSection(string Path, string? TestPath, string? UserColumn, string? ItemColumn, string? RatingColumn,
    string? TimeColumn, bool HasHeader, string? Separator)
{
    [JsonIgnore]
    public DataFileOptions Options => new(UserColumn, ItemColumn, RatingColumn, TimeColumn, HasHeader, Separator);
}

/// <summary>The search settings of a run.</summary>
internal sealed record TrainingSection(double TrainTimeSeconds, string OptimizingMetric, int K, int Seed, IReadOnlyList<string> Models);

/// <summary>One trial as written to the config.</summary>
internal sealed record TrialRecord(int Number, string Model, Dictionary<string, double> Settings, double Metric, double Seconds, string? Error);
