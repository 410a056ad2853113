using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Ranking;

/// <summary>
/// Pair features from <see cref="MovieLensSideFeatures"/> (MovieLens 100K demographics and genres).
/// <para>Dense features, in order:
/// <list type="bullet">
/// <item><c>Age</c>: the user's age ÷ 100.</item>
/// <item><c>Gender=…</c>: one-hot over the genders present (sorted ordinally: F, M).</item>
/// <item><c>Occupation=…</c>: one-hot over the occupations present (sorted ordinally).</item>
/// <item><c>Genre=…</c>: the item's 19 genre flags (multi-hot, <see cref="MovieLensSideFeatures.GenreNames"/> order).</item>
/// <item><c>GenreAffinityMean</c> / <c>GenreAffinityMax</c>: mean / max over the item's genres of the share of the
/// user's history items having that genre (0 for an item without genre or a user without history).</item>
/// <item><c>GenreLift</c>: mean over the item's genres of that share divided by the genre's share among all history
/// interactions (how much more the user watches the item's genres than an average user).</item>
/// <item><c>AudienceAgeGap</c>: |user age − mean age of the item's history audience| ÷ 100 (the global mean age of the
/// history when the item has no audience).</item>
/// <item><c>AudienceSameGender</c>: share of the item's history audience with the user's gender (the global share when
/// the item has no audience).</item>
/// </list></para>
/// <para>Key columns: <c>Gender</c>, <c>Occupation</c>, <c>AgeBucket</c> (Under 18, 18-24, 25-34, 35-44, 45-49,
/// 50-55, 56+) and <c>Genres</c> (a variable-length vector of the item's genre keys).</para>
/// </summary>
public sealed class MovieLensPairFeatureSource : IPairFeatureSource
{
    /// <summary>The age buckets of the <c>AgeBucket</c> key column (MovieLens 1M's): lower bounds 0, 18, 25, 35, 45, 50, 56.</summary>
    public static readonly IReadOnlyList<string> AgeBucketNames = ["Under 18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+"];

    private static readonly float[] AgeBucketStarts = [0, 18, 25, 35, 45, 50, 56];

    private readonly MovieLensSideFeatures _side;
    private readonly int[] _genderIndex;
    private readonly int[] _occupationIndex;
    private readonly string[] _genders;
    private readonly string[] _occupations;
    private readonly int _genreCount = MovieLensSideFeatures.GenreNames.Count;

    /// <summary>Creates the source over side features read for the same interactions (same user and item indices).</summary>
    public MovieLensPairFeatureSource(MovieLensSideFeatures sideFeatures)
    {
        ArgumentNullException.ThrowIfNull(sideFeatures);
        _side = sideFeatures;
        _genders = sideFeatures.UserGender.Distinct().Order(StringComparer.Ordinal).ToArray();
        _occupations = sideFeatures.UserOccupation.Distinct().Order(StringComparer.Ordinal).ToArray();
        _genderIndex = sideFeatures.UserGender.Select(g => Array.IndexOf(_genders, g)).ToArray();
        _occupationIndex = sideFeatures.UserOccupation.Select(o => Array.IndexOf(_occupations, o)).ToArray();

        var names = new List<string> { "Age" };
        names.AddRange(_genders.Select(g => "Gender=" + g));
        names.AddRange(_occupations.Select(o => "Occupation=" + o));
        names.AddRange(MovieLensSideFeatures.GenreNames.Select(g => "Genre=" + g));
        names.AddRange(["GenreAffinityMean", "GenreAffinityMax", "GenreLift", "AudienceAgeGap", "AudienceSameGender"]);
        FeatureNames = names;
        KeyColumns =
        [
            new PairFeatureKeyColumn("Gender", _genders),
            new PairFeatureKeyColumn("Occupation", _occupations),
            new PairFeatureKeyColumn("AgeBucket", AgeBucketNames),
            new PairFeatureKeyColumn("Genres", MovieLensSideFeatures.GenreNames, isVector: true, maxCount: _genreCount),
        ];
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<PairFeatureKeyColumn> KeyColumns { get; }

    /// <summary>0-based age bucket of <paramref name="age"/> (index into <see cref="AgeBucketNames"/>).</summary>
    public static int AgeBucketOf(float age)
    {
        int bucket = 0;
        while (bucket + 1 < AgeBucketStarts.Length && age >= AgeBucketStarts[bucket + 1]) bucket++;
        return bucket;
    }

    /// <inheritdoc/>
    public IPairFeatureWriter Bind(UserItemMatrix history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.UserCount != _side.UserAge.Length || history.ItemCount != _side.ItemTitles.Length)
            throw new ArgumentOutOfRangeException(nameof(history),
                $"The history is {history.UserCount} users × {history.ItemCount} items but the side features describe {_side.UserAge.Length} users and {_side.ItemTitles.Length} items; read them with the same interactions.");
        return new Writer(this, history);
    }

    private sealed class Writer : IPairFeatureWriter
    {
        private readonly MovieLensPairFeatureSource _source;
        private readonly float[] _userGenreShare;   // [users, genres]
        private readonly float[] _genreShare;       // [genres]
        private readonly float[] _audienceAge;      // [items]
        private readonly float[] _audienceGender;   // [items, genders]

        public Writer(MovieLensPairFeatureSource source, UserItemMatrix history)
        {
            _source = source;
            var side = source._side;
            int genres = source._genreCount, genders = source._genders.Length;
            _userGenreShare = new float[history.UserCount * genres];
            _genreShare = new float[genres];
            var ageSum = new double[history.ItemCount];
            var audience = new int[history.ItemCount];
            var genderCounts = new int[history.ItemCount * genders];
            var globalGender = new double[genders];
            double globalAge = 0;
            for (int u = 0; u < history.UserCount; u++)
            {
                var items = history.ItemsOf(u);
                var share = _userGenreShare.AsSpan(u * genres, genres);
                foreach (var i in items)
                {
                    for (int g = 0; g < genres; g++)
                        if (side.HasGenre(i, g)) share[g]++;
                    ageSum[i] += side.UserAge[u];
                    audience[i]++;
                    genderCounts[i * genders + source._genderIndex[u]]++;
                }
                for (int g = 0; g < genres; g++) _genreShare[g] += share[g];
                if (items.Length > 0)
                    for (int g = 0; g < genres; g++) share[g] /= items.Length;
                globalAge += (double)side.UserAge[u] * items.Length;
                globalGender[source._genderIndex[u]] += items.Length;
            }
            int total = history.NonZeroCount;
            for (int g = 0; g < genres; g++) _genreShare[g] = total == 0 ? 0 : _genreShare[g] / total;
            float meanAge = total == 0 ? side.UserAge.Average() : (float)(globalAge / total);
            _audienceAge = new float[history.ItemCount];
            _audienceGender = new float[history.ItemCount * genders];
            for (int i = 0; i < history.ItemCount; i++)
            {
                _audienceAge[i] = audience[i] == 0 ? meanAge : (float)(ageSum[i] / audience[i]);
                for (int s = 0; s < genders; s++)
                    _audienceGender[i * genders + s] = audience[i] == 0
                        ? (total == 0 ? 1f / genders : (float)(globalGender[s] / total))
                        : (float)genderCounts[i * genders + s] / audience[i];
            }
        }

        public void Fill(int user, int item, Span<float> features)
        {
            var source = _source;
            var side = source._side;
            int genres = source._genreCount, genders = source._genders.Length;
            features.Clear();
            int f = 0;
            features[f++] = side.UserAge[user] / 100f;
            features[f + source._genderIndex[user]] = 1f;
            f += genders;
            features[f + source._occupationIndex[user]] = 1f;
            f += source._occupations.Length;
            float sum = 0, max = 0, lift = 0;
            int count = 0;
            for (int g = 0; g < genres; g++)
            {
                if (!side.HasGenre(item, g)) continue;
                features[f + g] = 1f;
                float share = _userGenreShare[user * genres + g];
                sum += share;
                max = Math.Max(max, share);
                lift += _genreShare[g] > 0 ? share / _genreShare[g] : 0;
                count++;
            }
            f += genres;
            features[f++] = count == 0 ? 0 : sum / count;
            features[f++] = max;
            features[f++] = count == 0 ? 0 : lift / count;
            features[f++] = Math.Abs(side.UserAge[user] - _audienceAge[item]) / 100f;
            features[f] = _audienceGender[item * genders + source._genderIndex[user]];
        }

        public int FillKeys(int column, int user, int item, Span<uint> keys)
        {
            var side = _source._side;
            switch (column)
            {
                case 0: keys[0] = (uint)_source._genderIndex[user] + 1; return 1;
                case 1: keys[0] = (uint)_source._occupationIndex[user] + 1; return 1;
                case 2: keys[0] = (uint)AgeBucketOf(side.UserAge[user]) + 1; return 1;
                case 3:
                    int count = 0;
                    for (int g = 0; g < _source._genreCount; g++)
                        if (side.HasGenre(item, g)) keys[count++] = (uint)g + 1;
                    return count;
                default:
                    throw new ArgumentOutOfRangeException(nameof(column), column, $"MovieLensPairFeatureSource has {_source.KeyColumns.Count} key columns.");
            }
        }
    }
}
