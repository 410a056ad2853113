using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Cli;

/// <summary>The interactions a command works on, with item group labels when the dataset has them.</summary>
internal sealed record LoadedDataset(string Name, InteractionData Interactions, int[]? ItemGroups, MovieLensSideFeatures? SideFeatures = null)
{
    /// <summary>True when the labels are ratings (not all equal), so rating models and RMSE make sense.</summary>
    public bool HasRatings
    {
        get
        {
            var labels = Interactions.Labels;
            return labels.Length > 0 && labels.Any(l => l != labels[0]);
        }
    }

    public static LoadedDataset Load(DatasetSpec spec, int seed, InteractionLoadOptions? options = null, DataFileOptions? files = null) => spec.Kind switch
    {
        "file" => new LoadedDataset($"{System.IO.Path.GetFileName(spec.Path)}", InteractionLoaders.ReadDelimited(spec.Path!, (files ?? new DataFileOptions(null, null, null, null, false, null)).Format(spec.Path!), options), null),
        "synthetic" => FromSynthetic(seed),
        "movielens-100k" => FromMovieLens100K(spec.Path!, options),
        "movielens-1m" => new LoadedDataset($"MovieLens 1M ({spec.Path})", InteractionLoaders.ReadMovieLens1M(spec.Path!, options), null),
        "csv" => new LoadedDataset($"CSV ({spec.Path})", InteractionLoaders.ReadMlNetTutorialCsv(spec.Path!, options), null),
        _ => throw new UsageException($"unknown dataset kind '{spec.Kind}'"),
    };

    // u.user and u.item beside u.data add demographics and genres for feature-aware models.
    private static LoadedDataset FromMovieLens100K(string path, InteractionLoadOptions? options)
    {
        var data = InteractionLoaders.ReadMovieLens100K(path, options);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string users = Path.Combine(dir, "u.user"), items = Path.Combine(dir, "u.item");
        var side = File.Exists(users) && File.Exists(items) ? MovieLensSideFeatures.Read(users, items, data) : null;
        return new LoadedDataset($"MovieLens 100K ({path})", data, null, side);
    }

    private static LoadedDataset FromSynthetic(int seed)
    {
        var options = new ColoredGroupsOptions { Seed = seed };
        var synthetic = ColoredGroupsGenerator.Generate(options);
        var name = $"synthetic colored groups ({synthetic.GroupCount} groups, {synthetic.Interactions.UserCount} users, " +
                   $"{synthetic.Interactions.ItemCount} items, {synthetic.Interactions.Count} interactions, seed {seed})";
        return new LoadedDataset(name, synthetic.Interactions, synthetic.ItemGroups);
    }

    public InteractionSplit Split(string kind, int seed) => kind switch
    {
        "random" => InteractionSplits.Random(Interactions, 0.25, seed),
        "stratified" => InteractionSplits.StratifiedByUser(Interactions, 0.75, seed),
        "temporal" => Interactions.Timestamps == null
            ? throw new UsageException($"--split temporal needs timestamps, which {Name} does not have")
            : InteractionSplits.TemporalByUser(Interactions, 1),
        _ => throw new UsageException($"unknown split '{kind}'"),
    };
}
