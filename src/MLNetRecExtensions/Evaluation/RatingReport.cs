namespace MLNetRecExtensions.Evaluation;

/// <summary>Accuracy of predicted ratings.</summary>
/// <param name="Rmse">Root mean squared error, sqrt(mean((predicted − actual)²)).</param>
/// <param name="Mae">Mean absolute error, mean(|predicted − actual|).</param>
/// <param name="Count">Number of (predicted, actual) pairs.</param>
public sealed record RatingReport(double Rmse, double Mae, int Count);
