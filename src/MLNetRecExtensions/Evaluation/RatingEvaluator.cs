namespace MLNetRecExtensions.Evaluation;

/// <summary>Rating-prediction metrics (RMSE, MAE) over aligned predicted and actual values.</summary>
public static class RatingEvaluator
{
    /// <summary>RMSE and MAE of <paramref name="predicted"/> against <paramref name="actual"/> (accumulated in double).</summary>
    /// <exception cref="ArgumentException">The spans have different lengths.</exception>
    /// <exception cref="InvalidDataException">The spans are empty, or a value is NaN or infinite (the index is named).</exception>
    public static RatingReport Evaluate(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        if (predicted.Length != actual.Length)
            throw new ArgumentException(
                $"{predicted.Length} predictions but {actual.Length} actual values; pass one prediction per actual rating, in the same order.", nameof(predicted));
        if (predicted.Length == 0)
            throw new InvalidDataException("No ratings to evaluate: the predicted and actual values are empty; check the test split.");
        double squared = 0, absolute = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            if (!float.IsFinite(predicted[i]))
                throw new InvalidDataException($"Prediction {i} is {predicted[i]}; the model produced a non-finite score (a diverged model or an unknown user/item without fallback).");
            if (!float.IsFinite(actual[i]))
                throw new InvalidDataException($"Actual rating {i} is {actual[i]}; remove or fix non-finite labels in the test data.");
            double e = (double)predicted[i] - actual[i];
            squared += e * e;
            absolute += Math.Abs(e);
        }
        return new RatingReport(Math.Sqrt(squared / predicted.Length), absolute / predicted.Length, predicted.Length);
    }
}
