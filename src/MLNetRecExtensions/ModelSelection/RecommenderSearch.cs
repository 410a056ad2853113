using System.Diagnostics;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.ModelSelection;

/// <summary>
/// Automatic model selection inside a time budget, in the manner of ML.NET's Model Builder: tries the library's
/// recommenders with a small hyper-parameter search (<see cref="SearchSpace"/>: every family's defaults, then
/// random grid points and neighbours of each family's best, the families sharing the time by weight), fits each on the training part, scores it on the
/// validation part with <see cref="RecommenderComparison"/> (top-K over the full catalog, training items excluded),
/// and returns every trial and the best. With several validation splits
/// (<see cref="RecommenderSearchOptions.ValidationFolds"/>) a trial is fitted and scored on each, its metric is the
/// mean, and the choice follows <see cref="Select"/>.
/// </summary>
/// <remarks>
/// A trial starts only while the budget lasts and when its estimated time (the family's last measured time scaled
/// by the relative cost of the settings) fits in what is left; the first trial always runs. Once one trial has
/// succeeded, a trial still training when the budget runs out is stopped at its next iteration or epoch and
/// recorded as stopped. A trial that throws is
/// recorded with its error and the search goes on. Deterministic for a seed apart from which trials fit in the
/// budget and, with several searched families, which family is proposed next (both follow measured times, so the
/// machine's speed; <see cref="RecommenderSearchOptions.MaxTrials"/> bounds the count).
/// </remarks>
public sealed class RecommenderSearch
{
    private readonly MLContext _mlContext;
    private readonly RecommenderSearchOptions _options;

    /// <summary>Creates the search; the options are checked here.</summary>
    /// <exception cref="ArgumentOutOfRangeException">K &lt; 1, a non-positive budget or trial count, or no family to try.</exception>
    public RecommenderSearch(MLContext mlContext, RecommenderSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        options ??= new RecommenderSearchOptions();
        if (options.K < 1) throw new ArgumentOutOfRangeException(nameof(options), options.K, "RecommenderSearchOptions.K must be at least 1.");
        if (options.TrainingTime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), options.TrainingTime, "RecommenderSearchOptions.TrainingTime must be positive.");
        if (options.MaxTrials < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxTrials, "RecommenderSearchOptions.MaxTrials must be at least 1.");
        if (options.Models == null || options.Models.Count == 0) throw new ArgumentOutOfRangeException(nameof(options), "RecommenderSearchOptions.Models is empty; name at least one family.");
        _mlContext = mlContext;
        _options = options;
    }

    /// <summary>
    /// The validation split the search is meant for: per user, the latest 20 % of a user's rows by time when
    /// the data has timestamps (<see cref="InteractionSplits.TemporalByUserFraction(InteractionData, double)"/>),
    /// otherwise Recommenders' stratified 80/20 (<see cref="InteractionSplits.RecommendersStratifiedByUser(InteractionData, double, int)"/>).
    /// </summary>
    public static InteractionSplit ValidationSplit(InteractionData train, int seed) =>
        train.Timestamps != null
            ? InteractionSplits.TemporalByUserFraction(train, 0.2)
            : InteractionSplits.RecommendersStratifiedByUser(train, 0.8, seed);

    /// <summary>
    /// The <paramref name="folds"/> validation splits of <see cref="Run(InteractionData)"/>: <see cref="ValidationSplit"/>
    /// with seeds <paramref name="seed"/>, <paramref name="seed"/> + 1, … (repeated per-user 80/20 splits); one
    /// temporal split when the data has timestamps (it does not depend on the seed).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> &lt; 1.</exception>
    public static IReadOnlyList<InteractionSplit> ValidationSplits(InteractionData train, int seed, int folds)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 1);
        int n = train.Timestamps != null ? 1 : folds;
        return Enumerable.Range(0, n).Select(f => ValidationSplit(train, unchecked(seed + f))).ToList();
    }

    /// <summary>
    /// The selection rule: take the trial with the highest mean metric (the earlier one on ties); if the defaults of
    /// its family were tried and the paired difference to them is within one standard error — mean over the splits
    /// of (best − defaults) ≤ its sample standard deviation / √n, with n ≥ 2 splits — choose the defaults instead
    /// (the simpler configuration, not beaten beyond the noise of validation). With one split the highest mean wins.
    /// </summary>
    /// <exception cref="InvalidOperationException">Every trial failed.</exception>
    public static SearchTrial Select(IReadOnlyList<SearchTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var top = trials.Where(t => !double.IsNaN(t.Metric)).OrderByDescending(t => t.Metric).ThenBy(t => t.Number).FirstOrDefault()
            ?? throw new InvalidOperationException($"Every trial failed; the first error: {trials.FirstOrDefault()?.Error}");
        var defaults = trials.FirstOrDefault(t => !double.IsNaN(t.Metric) && t.Settings.Equals(TrialSettings.Defaults(top.Settings.Kind)));
        if (defaults == null || ReferenceEquals(defaults, top) || top.FoldMetrics.Count < 2 || defaults.FoldMetrics.Count != top.FoldMetrics.Count)
            return top;
        var differences = top.FoldMetrics.Zip(defaults.FoldMetrics, (a, b) => a - b).ToList();
        return differences.Average() <= StandardError(differences) ? defaults : top;
    }

    /// <summary>Sample standard deviation / √n of <paramref name="values"/>; 0 with fewer than two values.</summary>
    public static double StandardError(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1) / n);
    }

    /// <summary>True when the labels are ratings (not all equal): MF is then tried and iALS weighs by rating.</summary>
    public static bool HasRatings(InteractionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Labels.Length > 0 && data.Labels.Any(l => l != data.Labels[0]);
    }

    /// <summary>
    /// Runs the search on <see cref="RecommenderSearchOptions.ValidationFolds"/> validation splits of
    /// <paramref name="train"/> (<see cref="ValidationSplits"/> with <see cref="RecommenderSearchOptions.Seed"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">No family applies (e.g. only MF on implicit data).</exception>
    public RecommenderSearchResult Run(InteractionData train) => Run(ValidationSplits(train, _options.Seed, Math.Max(1, _options.ValidationFolds)));

    /// <summary>Runs the search on the one split <paramref name="split"/> (train = fit, test = validation; same key spaces).</summary>
    /// <exception cref="ArgumentException">The two parts do not share key spaces.</exception>
    /// <exception cref="InvalidOperationException">No family applies (e.g. only MF on implicit data).</exception>
    public RecommenderSearchResult Run(InteractionSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        return Run([split]);
    }

    /// <summary>
    /// Runs the search scoring every trial on each of <paramref name="splits"/> (train = fit, test = validation;
    /// same key spaces in all); a trial's metric is the mean and the choice follows <see cref="Select"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No split, or the parts of a split do not share key spaces.</exception>
    /// <exception cref="InvalidOperationException">No family applies (e.g. only MF on implicit data).</exception>
    public RecommenderSearchResult Run(IReadOnlyList<InteractionSplit> splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        if (splits.Count == 0) throw new ArgumentException("At least one validation split is needed.", nameof(splits));
        bool rated = HasRatings(splits[0].Train);
        var kinds = _options.Models.Where(k => (k != RecommenderKind.MatrixFactorization || rated)
            && (k != RecommenderKind.TwoStage || _options.TwoStageRanker != null)).ToList();
        if (kinds.Count == 0)
            throw new InvalidOperationException("None of the requested model families applies: MF needs rated data and two-stage a ranker.");
        var space = new SearchSpace(kinds, _options.Seed);
        var trials = new List<SearchTrial>();
        var lastTime = new Dictionary<RecommenderKind, (double Seconds, double Cost)>();
        var budget = _options.TrainingTime;
        var clock = Stopwatch.StartNew();

        TrialSettings? BestOf(RecommenderKind kind) => trials.Where(t => t.Settings.Kind == kind && !double.IsNaN(t.Metric))
            .OrderByDescending(t => t.Metric).ThenBy(t => t.Number).FirstOrDefault()?.Settings;
        bool Fits(TrialSettings s)
        {
            if (trials.Count == 0) return true;
            double left = (budget - clock.Elapsed).TotalSeconds;
            if (left <= 0) return false;
            if (!lastTime.TryGetValue(s.Kind, out var last)) return true;
            return last.Seconds * SearchSpace.Cost(s) / last.Cost <= left;
        }

        while (trials.Count < _options.MaxTrials && (trials.Count == 0 || clock.Elapsed < budget))
        {
            var settings = space.Next(Fits, BestOf, kind => trials.Where(t => t.Settings.Kind == kind).Select(t => t.Seconds).ToList());
            if (settings == null) break;
            space.Tried(settings);
            _options.Progress?.Report(new RecommenderSearchProgress(settings, null, clock.Elapsed, budget));
            // Once a trial has succeeded, a trial still running when the budget is over is stopped at its next iteration.
            Action? checkpoint = trials.Any(t => t.Error == null)
                ? () => { if (clock.Elapsed > budget) throw new TrialStoppedException(); }
                : null;
            var trial = Evaluate(trials.Count + 1, settings, splits, rated, checkpoint);
            trials.Add(trial);
            lastTime[settings.Kind] = (Math.Max(trial.Seconds, 1e-3), SearchSpace.Cost(settings));
            _options.Progress?.Report(new RecommenderSearchProgress(null, trial, clock.Elapsed, budget));
        }
        var best = Select(trials);
        var highest = trials.Where(t => !double.IsNaN(t.Metric)).OrderByDescending(t => t.Metric).ThenBy(t => t.Number).First();
        return new RecommenderSearchResult(trials, best, clock.Elapsed, highest);
    }

    private SearchTrial Evaluate(int number, TrialSettings settings, IReadOnlyList<InteractionSplit> splits, bool rated, Action? checkpoint)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var scores = new List<double>(splits.Count);
            RankingReport? first = null;
            foreach (var split in splits)
            {
                if (first != null) checkpoint?.Invoke();  // the budget may run out between splits too
                var comparison = new RecommenderComparison(_mlContext);
                var (estimator, trainer) = RecommenderTrainers.Create(_mlContext, settings, _options.Seed, rated, _options.K, _options.TwoStageRanker, checkpoint);
                if (estimator != null) comparison.Add(settings.Kind.ToString(), estimator);
                else comparison.Add(settings.Kind.ToString(), trainer!);
                var entry = comparison.Run(split, "validation", new ComparisonOptions { K = _options.K }).Entries[0];
                first ??= entry.Ranking;
                scores.Add(_options.OptimizingMetric.Of(entry.Ranking));
            }
            return new SearchTrial(number, settings, scores.Average(), first, watch.Elapsed.TotalSeconds, null, scores);
        }
        catch (TrialStoppedException)
        {
            return new SearchTrial(number, settings, double.NaN, null, watch.Elapsed.TotalSeconds, "stopped: the time budget ran out during training", []);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ArgumentException or ArithmeticException)
        {
            return new SearchTrial(number, settings, double.NaN, null, watch.Elapsed.TotalSeconds, e.Message, []);
        }
    }

    private sealed class TrialStoppedException() : Exception("The time budget ran out.");
}
