namespace MLNetRecExtensions.Evaluation;

/// <summary>One model's row of a <see cref="BinaryLeaderboard"/> (metrics on the test data).</summary>
/// <param name="Model">Name the model was added under.</param>
/// <param name="Accuracy">Fraction of correct predicted labels.</param>
/// <param name="Auc">Area under the ROC curve.</param>
/// <param name="LogLoss">Mean log-loss in bits (ML.NET's convention); null for a model without <c>Probability</c>.</param>
/// <param name="F1">F1 score of the positive class.</param>
/// <param name="FitSeconds">Wall time of <c>Fit</c> on the training data.</param>
public sealed record BinaryLeaderboardEntry(string Model, double Accuracy, double Auc, double? LogLoss, double F1, double FitSeconds);
