using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Reports per-iteration progress to an <see cref="IProgress{T}"/> and to ML.NET's log channel
/// (<c>IChannelProvider.Start</c> / <c>IChannel.Info</c> are public in Microsoft.ML 5.0.1; messages reach
/// <c>mlContext.Log</c>), and stops training on a non-finite loss.
/// </summary>
internal sealed class TrainingMonitor : IDisposable
{
    private readonly IChannel _channel;
    private readonly IProgress<MatrixFactorizationProgress>? _progress;
    private readonly int _iterations;
    private readonly string _advice;
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Stopwatch _step = new();

    public TrainingMonitor(MLContext mlContext, string name, IProgress<MatrixFactorizationProgress>? progress, int iterations, string advice)
    {
        _channel = ((IChannelProvider)mlContext).Start(name);
        _progress = progress;
        _iterations = iterations;
        _advice = advice;
    }

    /// <summary>Starts timing an iteration's update.</summary>
    public void BeginIteration() => _step.Restart();

    /// <summary>Ends timing of the update (evaluation that follows is not counted).</summary>
    public void EndUpdate() => _step.Stop();

    /// <summary>Checks the loss and reports the iteration.</summary>
    /// <exception cref="InvalidOperationException">The loss is NaN or infinite.</exception>
    public void Report(int iteration, double loss, double? trainingRmse, double? validationRmse)
    {
        if (!double.IsFinite(loss))
            throw new InvalidOperationException($"Training diverged at iteration {iteration} of {_iterations}: the loss is {loss}. {_advice}");
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
