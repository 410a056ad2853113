namespace MLNetRecExtensions.Ranking;

/// <summary>One epoch's report of <see cref="WideAndDeepEstimator"/> training.</summary>
/// <param name="Epoch">1-based epoch just finished.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="TrainingLoss">Weighted mean logistic loss (nats) over the epoch's mini-batches, measured before each update.</param>
/// <param name="ValidationLogLoss">Mean logistic loss (nats, example weights applied) on the validation data after the epoch; null without validation data.</param>
/// <param name="ValidationAuc">Area under the ROC curve on the validation data (unweighted); null without validation data or when it has one class only.</param>
/// <param name="Elapsed">Training time since the start of <c>Fit</c>.</param>
public sealed record WideAndDeepProgress(int Epoch, int Epochs, double TrainingLoss, double? ValidationLogLoss, double? ValidationAuc, TimeSpan Elapsed);
