namespace MLNetRecExtensions.Factorization;

/// <summary>
/// Progress of one training iteration of <see cref="MatrixFactorizationTrainer"/> or <see cref="ImplicitAlsTrainer"/>,
/// reported through the options' <c>Progress</c> and logged on the ML.NET channel (<c>mlContext.Log</c>).
/// </summary>
public sealed class MatrixFactorizationProgress
{
    /// <summary>1-based iteration that just finished.</summary>
    public int Iteration { get; init; }
    /// <summary>Total iterations of the run.</summary>
    public int NumberOfIterations { get; init; }
    /// <summary>
    /// Training objective divided by the number of training interactions, including the L2 terms (explicit: squared
    /// error plus λ per rating; implicit: the weighted loss over observed and unobserved entries plus L2 and gravity).
    /// For the explicit SGD solver the squared errors are those met during the iteration, each taken just before its
    /// rating's update (LIBMF's running training loss, free to compute); the L2 terms use the factors at its end.
    /// </summary>
    public double Loss { get; init; }
    /// <summary>Root mean squared error on the training ratings (explicit models; for SGD the running errors, as in <see cref="Loss"/>), else null.</summary>
    public double? TrainingRmse { get; init; }
    /// <summary>Root mean squared error on the validation data when it was given to <c>Fit(train, validation)</c>, else null.</summary>
    public double? ValidationRmse { get; init; }
    /// <summary>Time spent in this iteration's update (excluding the loss and validation evaluation).</summary>
    public TimeSpan IterationTime { get; init; }
    /// <summary>Time since training started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"iteration {Iteration}/{NumberOfIterations}: loss {Loss:G6}" +
        (TrainingRmse is { } t ? $", train RMSE {t:F4}" : "") +
        (ValidationRmse is { } v ? $", validation RMSE {v:F4}" : "") +
        $", {IterationTime.TotalSeconds:F3} s";
}
