namespace MLNetRecExtensions.ModelSelection;

/// <summary>
/// The hyper-parameter grids of <see cref="RecommenderSearch"/> and its proposal rule: the defaults of the cheap
/// families (popularity, implicit ALS, MF) first; then the families share the time by weight (ALS 4, two-tower 2,
/// MF 1, two-stage 1): the next proposal goes to the family that would stand least over its share after its next
/// trial, i.e. with the smallest (seconds spent + estimated seconds of its next trial) / weight (ties in family
/// order), the estimate being the family's last trial time or, before its first trial, the longest trial seen so
/// far. So a cheap family gets many trials while a slow one runs a few, instead of an equal count, and a slow
/// family's first trial waits until the cheap ones have had a comparable time. A family's first proposal is its defaults, then alternately a random grid point and a neighbour of the
/// family's best point so far (one grid step in one parameter), never repeating a point. Deterministic for a seed
/// and the sequence of measured times (with several families the order therefore depends on the machine's speed).
/// </summary>
internal sealed class SearchSpace
{
    private static readonly Dictionary<RecommenderKind, (string Name, double[] Values)[]> Grids = new()
    {
        [RecommenderKind.Popularity] = [],
        [RecommenderKind.ImplicitAls] =
        [
            ("ApproximationRank", [2, 4, 8, 16, 32, 64, 128]),
            ("Lambda", [0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 200]),
            ("Alpha", [0.25, 0.5, 1, 2, 5, 10, 20, 40]),
            ("NumberOfIterations", [8, 15, 25]),
        ],
        [RecommenderKind.MatrixFactorization] =
        [
            ("ApproximationRank", [8, 16, 32, 64]),
            ("Lambda", [0.01, 0.05, 0.1, 0.3]),
            ("NumberOfIterations", [10, 20, 40]),
            ("LearningRate", [0.01, 0.03, 0.1]),
        ],
        [RecommenderKind.TwoTower] =
        [
            ("EmbeddingDimension", [32, 64, 128]),
            ("NumberOfEpochs", [4, 8, 12, 20, 30]),
            ("Temperature", [0.05, 0.1, 0.2, 0.5]),
            ("LearningRate", [0.001, 0.003, 0.01]),
        ],
        [RecommenderKind.TwoStage] =
        [
            ("CandidateCount", [50, 100, 200]),
        ],
    };

    // Time share of each family after the defaults: ALS is cheap and usually the strongest.
    private static readonly Dictionary<RecommenderKind, int> Weights = new()
    {
        [RecommenderKind.Popularity] = 0,  // its only point is the defaults
        [RecommenderKind.ImplicitAls] = 4,
        [RecommenderKind.MatrixFactorization] = 1,
        [RecommenderKind.TwoTower] = 2,
        [RecommenderKind.TwoStage] = 1,
    };

    private readonly Random _random;
    private readonly List<RecommenderKind> _kinds;
    private readonly HashSet<TrialSettings> _tried = [];
    private readonly Dictionary<RecommenderKind, int> _proposed = [];
    private readonly Queue<RecommenderKind> _defaults;

    public SearchSpace(IEnumerable<RecommenderKind> kinds, int seed)
    {
        _kinds = kinds.Distinct().OrderBy(k => k).ToList();
        _defaults = new Queue<RecommenderKind>(_kinds.Where(k => k is RecommenderKind.Popularity or RecommenderKind.ImplicitAls or RecommenderKind.MatrixFactorization));
        _random = new Random(seed);
    }

    /// <summary>Marks <paramref name="settings"/> as tried.</summary>
    public void Tried(TrialSettings settings) => _tried.Add(settings);

    /// <summary>
    /// The next untried point among the families <paramref name="allowed"/> accepts (e.g. those that fit in the
    /// remaining time), <paramref name="bestOf"/> giving a family's best settings so far and <paramref name="trialSeconds"/>
    /// the times of its trials so far, in order; null when none is left.
    /// </summary>
    public TrialSettings? Next(Func<TrialSettings, bool> allowed, Func<RecommenderKind, TrialSettings?> bestOf, Func<RecommenderKind, IReadOnlyList<double>> trialSeconds)
    {
        while (_defaults.Count > 0)
        {
            var d = TrialSettings.Defaults(_defaults.Dequeue());
            if (!_tried.Contains(d) && allowed(d)) return d;
        }
        // The family least over its share after its next trial proposes; another one only when it has no fitting untried point.
        double longest = _kinds.SelectMany(trialSeconds).DefaultIfEmpty(0).Max();
        double After(RecommenderKind k)
        {
            var seconds = trialSeconds(k);
            return (seconds.Sum() + (seconds.Count > 0 ? seconds[^1] : longest)) / Weights[k];
        }
        foreach (var kind in _kinds.Where(k => Weights[k] > 0).OrderBy(After).ThenBy(k => k).ToList())
            for (int attempt = 0; attempt < 20; attempt++)
            {
                _proposed[kind] = _proposed.GetValueOrDefault(kind) + 1;
                var best = bestOf(kind);
                var defaults = TrialSettings.Defaults(kind);
                var point = !_tried.Contains(defaults) ? defaults
                    : _proposed[kind] % 2 == 0 && best != null ? Neighbour(best) : RandomPoint(kind, bestOf);
                if (!_tried.Contains(point) && allowed(point)) return point;
            }
        return null;
    }

    private TrialSettings RandomPoint(RecommenderKind kind, Func<RecommenderKind, TrialSettings?> bestOf)
    {
        var parameters = new Dictionary<string, double>();
        foreach (var (name, values) in Grids[kind]) parameters[name] = values[_random.Next(values.Length)];
        // Two-stage re-ranks the best ALS candidates found so far.
        if (kind == RecommenderKind.TwoStage && bestOf(RecommenderKind.ImplicitAls) is { } als)
            foreach (var p in als.Parameters) parameters[p.Key] = p.Value;
        return new TrialSettings(kind, parameters);
    }

    private TrialSettings Neighbour(TrialSettings best)
    {
        var grid = Grids[best.Kind];
        if (grid.Length == 0) return best;
        var parameters = best.Parameters.ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, values) in grid)
            if (!parameters.ContainsKey(name)) parameters[name] = DefaultOnGrid(values, best.Kind, name);
        var (pname, pvalues) = grid[_random.Next(grid.Length)];
        int at = Array.IndexOf(pvalues, parameters[pname]);
        if (at < 0) at = NearestIndex(pvalues, parameters[pname]);
        int step = _random.Next(2) == 0 ? -1 : 1;
        parameters[pname] = pvalues[Math.Clamp(at + step, 0, pvalues.Length - 1)];
        return new TrialSettings(best.Kind, parameters);
    }

    // The trainer's default of option `name`, moved to the nearest grid value (a neighbour of "defaults" starts there).
    private static double DefaultOnGrid(double[] values, RecommenderKind kind, string name) =>
        values[NearestIndex(values, DefaultValue(kind, name))];

    /// <summary>The default of option <paramref name="name"/> read from the family's own options object.</summary>
    private static double DefaultValue(RecommenderKind kind, string name)
    {
        object options = kind switch
        {
            RecommenderKind.ImplicitAls => new Factorization.ImplicitAlsTrainer.Options(),
            RecommenderKind.MatrixFactorization => new Factorization.MatrixFactorizationTrainer.Options(),
            RecommenderKind.TwoTower => new TwoTower.TwoTowerOptions(),
            RecommenderKind.TwoStage => name == "CandidateCount" ? new Ranking.TwoStageOptions() : new Factorization.ImplicitAlsTrainer.Options(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The family has no options."),
        };
        var type = options.GetType();
        object? value = type.GetField(name)?.GetValue(options) ?? type.GetProperty(name)?.GetValue(options)
            ?? throw new ArgumentOutOfRangeException(nameof(name), name, $"{type.Name} has no option {name}.");
        return Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int NearestIndex(double[] values, double v)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (Math.Abs(values[i] - v) < Math.Abs(values[best] - v)) best = i;
        return best;
    }

    /// <summary>A relative cost of training <paramref name="settings"/> (used to scale a family's measured time).</summary>
    public static double Cost(TrialSettings settings) => settings.Kind switch
    {
        RecommenderKind.ImplicitAls or RecommenderKind.TwoStage =>
            Math.Pow(Value(settings, "ApproximationRank"), 1.5) * Value(settings, "NumberOfIterations"),
        RecommenderKind.MatrixFactorization => Value(settings, "ApproximationRank") * Value(settings, "NumberOfIterations"),
        RecommenderKind.TwoTower => Value(settings, "EmbeddingDimension") * Value(settings, "NumberOfEpochs"),
        _ => 1,
    };

    private static double Value(TrialSettings settings, string name) => settings.Get(name, DefaultValue(settings.Kind, name));
}
