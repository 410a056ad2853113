using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNetRecExtensions.Numerics;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Reports per-iteration progress to an <see cref="IProgress{T}"/> and to ML.NET's log channel
/// (<c>IChannelProvider.Start</c> / <c>IChannel.Info</c> are public in Microsoft.ML 5.0.1; messages reach
/// <c>mlContext.Log</c>), and stops training when the loss is non-finite or explodes (<see cref="DivergenceGuard"/>).
/// </summary>
internal sealed class TrainingMonitor : IDisposable
{
    private readonly IChannel _channel;
    private readonly IProgress<MatrixFactorizationProgress>? _progress;
    private readonly int _iterations;
    private readonly DivergenceGuard _guard;
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Stopwatch _step = new();

    public TrainingMonitor(MLContext mlContext, string name, IProgress<MatrixFactorizationProgress>? progress, int iterations, string advice,
        string trainer = "Matrix factorization")
    {
        _channel = ((IChannelProvider)mlContext).Start(name);
        _progress = progress;
        _iterations = iterations;
        _guard = new DivergenceGuard(trainer, iterations, advice, "iteration");
    }

    /// <summary>The loss before the first update, the reference an exploding loss is measured against.</summary>
    public void SetInitialLoss(double loss) => _guard.SetInitialLoss(loss);

    /// <summary>Starts timing an iteration's update.</summary>
    public void BeginIteration() => _step.Restart();

    /// <summary>Ends timing of the update (evaluation that follows is not counted).</summary>
    public void EndUpdate() => _step.Stop();

    /// <summary>Checks the loss and reports the iteration.</summary>
    /// <exception cref="InvalidOperationException">The loss is NaN or infinite, or exploded.</exception>
    public void Report(int iteration, double loss, double? trainingRmse, double? validationRmse)
    {
        _guard.Check(iteration, loss);
        var p = new MatrixFactorizationProgress
        {
            Iteration = iteration,
            NumberOfIterations = _iterations,
            Loss = loss,
            TrainingRmse = trainingRmse,
            ValidationRmse = validationRmse,
            IterationTime = _step.Elapsed,
            Elapsed = _total.Elapsed,
        };
        _channel.Info(MessageSensitivity.None, p.ToString());
        _progress?.Report(p);
    }

    public void Dispose() => _channel.Dispose();
}
