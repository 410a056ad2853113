using System.Globalization;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Recommendation;
using MLNetRecExtensions.Retrieval;
using MLNetRecExtensions.Serving.Bundle;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// <c>mlnet-rec serve-export --dataset D --model model.zip [--factors 32] [--hnsw] [--seed 42] [--id NAME]</c>: fits
/// implicit ALS on all interactions of the dataset and writes the serving bundle <c>mlnet-rec serve</c> reads (with
/// <c>--hnsw</c>, the HNSW indexes are built and stored in it too). Datasets without original ids use the 1-based
/// keys as ids.
/// </summary>
internal static class ServeExportCommand
{
    /// <summary>Help of <c>serve-export</c> (the parsing lives in <see cref="Run"/>).</summary>
    public static readonly CommandSpec Spec = new("serve-export", "fit implicit ALS on a dataset and write the serving bundle serve reads",
        [
            new("--dataset", "D", "required", "synthetic | movielens-100k:PATH | movielens-1m:PATH | csv:PATH"),
            new("--model", "FILE", "required", "the bundle to write"),
            new("--factors", "N", "32", "embedding dimension"),
            new("--hnsw", null, "off", "build and store the HNSW graphs in the bundle"),
            new("--seed", "N", "42", "seed of the model"),
            new("--id", "NAME", "ials-DATASET-kN-sSEED", "model id (part of the Redis keys)"),
        ]);

    public const string Usage = "usage: mlnet-rec serve-export --dataset synthetic|movielens-100k:PATH|movielens-1m:PATH|csv:PATH --model MODEL.zip [--factors 32] [--hnsw] [--seed 42] [--id NAME]";

    public static int Run(IReadOnlyList<string> args)
    {
        DatasetSpec? dataset = null;
        string? output = null, id = null;
        int factors = 32, seed = 42;
        bool hnsw = false;
        for (int a = 0; a < args.Count; a++)
        {
            string name = args[a];
            string Value() => a + 1 < args.Count ? args[++a] : throw new UsageException($"option {name} needs a value");
            switch (name)
            {
                case "--dataset": dataset = DatasetSpec.Parse(Value()); break;
                case "--model": output = Value(); break;
                case "--factors": factors = int.TryParse(Value(), CultureInfo.InvariantCulture, out int f) && f >= 1 ? f : throw new UsageException("--factors must be a positive integer"); break;
                case "--seed": seed = int.TryParse(Value(), CultureInfo.InvariantCulture, out int s) ? s : throw new UsageException("--seed must be an integer"); break;
                case "--id": id = Value(); break;
                case "--hnsw": hnsw = true; break;
                default: throw new UsageException($"unknown option '{name}'; {Usage}");
            }
        }
        if (dataset == null || output == null) throw new UsageException($"--dataset and --model are required; {Usage}");
        var data = WithIds(LoadedDataset.Load(dataset, seed).Interactions);
        var ml = new MLContext(seed);
        var model = ml.Recommenders().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { ApproximationRank = factors, Seed = seed }).Fit(data.ToDataView(ml));
        string modelId = id ?? $"ials-{dataset.Kind}-k{factors}-s{seed}";
        var bundle = ServingModel.FromTraining(modelId, model, data);
        bundle.Save(output, hnsw ? new EmbeddingIndexOptions { Kind = EmbeddingIndexKind.Hnsw } : null);
        Console.WriteLine($"wrote {output}: model '{modelId}', {bundle.Users.Count} users, {bundle.Items.Count} items, dimension {bundle.Dimension}{(hnsw ? ", HNSW indexes included" : "")}");
        return 0;
    }

    private static InteractionData WithIds(InteractionData d) =>
        d.UserIds != null && d.ItemIds != null
            ? d
            : new InteractionData(d.UserCount, d.ItemCount, d.Users, d.Items, d.Labels, d.Timestamps,
                d.UserIds ?? Keys(d.UserCount), d.ItemIds ?? Keys(d.ItemCount));

    private static string[] Keys(int count) => Enumerable.Range(1, count).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
}
