using System.Diagnostics;
using Microsoft.ML;
using MLNetRecExtensions.Data;
using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.ModelSelection;

/// <summary>
/// Automatic model selection inside a time budget, in the manner of ML.NET's Model Builder: tries the library's
/// recommenders with a small hyper-parameter search (<see cref="SearchSpace"/>: every family's defaults, then
/// random grid points and neighbours of each family's best), fits each on the training part, scores it on the
/// validation part with <see cref="RecommenderComparison"/> (top-K over the full catalog, training items excluded),
/// and returns every trial and the best.
/// </summary>
/// <remarks>
/// A trial starts only while the budget lasts and when its estimated time (the family's last measured time scaled
/// by the relative cost of the settings) fits in what is left; the first trial always runs. Once one trial has
/// succeeded, a trial still training when the budget runs out is stopped at its next iteration or epoch and
/// recorded as stopped. A trial that throws is
/// recorded with its error and the search goes on. Deterministic for a seed apart from which trials fit in the
/// budget (that depends on the machine's speed; <see cref="RecommenderSearchOptions.MaxTrials"/> bounds it).
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

    /// <summary>True when the labels are ratings (not all equal): MF is then tried and iALS weighs by rating.</summary>
    public static bool HasRatings(InteractionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Labels.Length > 0 && data.Labels.Any(l => l != data.Labels[0]);
    }

    /// <summary>Runs the search on <paramref name="split"/> (train = fit, test = validation; same key spaces).</summary>
    /// <exception cref="ArgumentException">The two parts do not share key spaces.</exception>
    /// <exception cref="InvalidOperationException">No family applies (e.g. only MF on implicit data).</exception>
    public RecommenderSearchResult Run(InteractionSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        bool rated = HasRatings(split.Train);
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
            var settings = space.Next(Fits, BestOf);
            if (settings == null) break;
            space.Tried(settings);
            _options.Progress?.Report(new RecommenderSearchProgress(settings, null, clock.Elapsed, budget));
            // Once a trial has succeeded, a trial still running when the budget is over is stopped at its next iteration.
            Action? checkpoint = trials.Any(t => t.Error == null)
                ? () => { if (clock.Elapsed > budget) throw new TrialStoppedException(); }
                : null;
            var trial = Evaluate(trials.Count + 1, settings, split, rated, checkpoint);
            trials.Add(trial);
            lastTime[settings.Kind] = (Math.Max(trial.Seconds, 1e-3), SearchSpace.Cost(settings));
            _options.Progress?.Report(new RecommenderSearchProgress(null, trial, clock.Elapsed, budget));
        }
        var best = trials.Where(t => !double.IsNaN(t.Metric)).OrderByDescending(t => t.Metric).ThenBy(t => t.Number).FirstOrDefault()
            ?? throw new InvalidOperationException($"Every trial failed; the first error: {trials[0].Error}");
        return new RecommenderSearchResult(trials, best, clock.Elapsed);
    }

    private SearchTrial Evaluate(int number, TrialSettings settings, InteractionSplit split, bool rated, Action? checkpoint)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var comparison = new RecommenderComparison(_mlContext);
            var (estimator, trainer) = RecommenderTrainers.Create(_mlContext, settings, _options.Seed, rated, _options.K, _options.TwoStageRanker, checkpoint);
            if (estimator != null) comparison.Add(settings.Kind.ToString(), estimator);
            else comparison.Add(settings.Kind.ToString(), trainer!);
            var entry = comparison.Run(split, "validation", new ComparisonOptions { K = _options.K }).Entries[0];
            return new SearchTrial(number, settings, _options.OptimizingMetric.Of(entry.Ranking), entry.Ranking, watch.Elapsed.TotalSeconds, null);
        }
        catch (TrialStoppedException)
        {
            return new SearchTrial(number, settings, double.NaN, null, watch.Elapsed.TotalSeconds, "stopped: the time budget ran out during training");
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ArgumentException or ArithmeticException)
        {
            return new SearchTrial(number, settings, double.NaN, null, watch.Elapsed.TotalSeconds, e.Message);
        }
    }

    private sealed class TrialStoppedException() : Exception("The time budget ran out.");
}
