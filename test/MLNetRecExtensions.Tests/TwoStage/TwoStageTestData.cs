using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Ranking;

namespace MLNetRecExtensions.Tests.TwoStage;

/// <summary>Synthetic data and helper estimators shared by the two-stage tests.</summary>
internal static class TwoStageTestData
{
    public const int Genres = 8;

    /// <summary>Genre of item i: i mod 8. Liked genre of user u: u mod 8 (hidden from the interactions' ids).</summary>
    public static int GenreOf(int index) => index % Genres;

    /// <summary>
    /// Each user draws <paramref name="perUser"/> times: a third from a Zipf(0.5) popularity over all items (genre-blind,
    /// since genres cycle through the item indices), two thirds uniformly among the items of the user's liked genre;
    /// repeated items are dropped. A popularity generator ranks by the first third's signal only.
    /// </summary>
    public static InteractionData HiddenGenre(int users = 150, int items = 200, int perUser = 30, int seed = 7)
    {
        var random = new Random(seed);
        var cdf = new double[items];
        double total = 0;
        for (int i = 0; i < items; i++) cdf[i] = total += Math.Pow(i + 1, -0.5);
        var u = new List<int>();
        var it = new List<int>();
        for (int user = 0; user < users; user++)
        {
            var seen = new HashSet<int>();
            for (int d = 0; d < perUser; d++)
            {
                int item;
                if (d % 3 == 0)
                {
                    int j = Array.BinarySearch(cdf, random.NextDouble() * total);
                    item = Math.Min(items - 1, j < 0 ? ~j : j);
                }
                else
                {
                    item = GenreOf(user) + Genres * random.Next(items / Genres);
                }
                if (seen.Add(item)) { u.Add(user); it.Add(item); }
            }
        }
        return new InteractionData(users, items, u.ToArray(), it.ToArray(), Enumerable.Repeat(1f, u.Count).ToArray());
    }

    /// <summary>A ranker built from built-in transforms whose Score is feature 0 (the candidate generator's score).</summary>
    public static IEstimator<ITransformer> CopyCandidateScore(MLContext ml, int dimension)
    {
        var input = SchemaDefinition.Create(typeof(FeaturesRow));
        input[nameof(FeaturesRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return ml.Transforms.CustomMapping<FeaturesRow, ScoreRow>((i, o) => o.Score = i.Features[0], contractName: null, inputSchemaDefinition: input);
    }

    public sealed class FeaturesRow
    {
        public float[] Features { get; set; } = [];
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    /// <summary>Feature <c>LikesItemGenre</c> = 1 when the item's genre is the user's liked genre (a side attribute of the user).</summary>
    public sealed class LikedGenreSource : IPairFeatureSource
    {
        public IReadOnlyList<string> FeatureNames => ["LikesItemGenre"];
        public IReadOnlyList<PairFeatureKeyColumn> KeyColumns => [];
        public IPairFeatureWriter Bind(UserItemMatrix history) => new Writer();

        private sealed class Writer : IPairFeatureWriter
        {
            public void Fill(int user, int item, Span<float> features) => features[0] = GenreOf(user) == GenreOf(item) ? 1 : 0;
            public int FillKeys(int column, int user, int item, Span<uint> keys) => throw new InvalidOperationException("No key columns.");
        }
    }

    /// <summary>Passes every Fit through to <paramref name="inner"/> after handing its input to <paramref name="record"/>.</summary>
    public sealed class RecordingEstimator(IEstimator<ITransformer> inner, Action<IDataView> record) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input)
        {
            record(input);
            return inner.Fit(input);
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
    }

    /// <summary>Reports synchronously (System.Progress posts to the thread pool).</summary>
    public sealed class ListProgress<T> : IProgress<T>
    {
        public List<T> Reports { get; } = [];
        public void Report(T value) => Reports.Add(value);
    }
}
