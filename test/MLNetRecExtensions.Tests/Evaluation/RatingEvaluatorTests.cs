using MLNetRecExtensions.Evaluation;

namespace MLNetRecExtensions.Tests.Evaluation;

[TestClass]
public sealed class RatingEvaluatorTests
{
    [TestMethod]
    public void RmseAndMaeMatchHandComputedValues()
    {
        // errors 0.5, 0, 2 -> MAE = 2.5/3 = 0.8333333; RMSE = sqrt((0.25 + 0 + 4)/3) = sqrt(1.4166667) = 1.1902380714
        var r = RatingEvaluator.Evaluate([3f, 4f, 5f], [2.5f, 4f, 3f]);
        Assert.AreEqual(1.1902380714238083, r.Rmse, 1e-9);
        Assert.AreEqual(2.5 / 3, r.Mae, 1e-9);
        Assert.AreEqual(3, r.Count);
    }

    [TestMethod]
    public void InvalidInputsThrow()
    {
        var nan = Assert.ThrowsExactly<InvalidDataException>(() => RatingEvaluator.Evaluate([1f, float.NaN], [1f, 2f]));
        StringAssert.Contains(nan.Message, "Prediction 1");
        var len = Assert.ThrowsExactly<ArgumentException>(() => RatingEvaluator.Evaluate([1f], [1f, 2f]));
        StringAssert.Contains(len.Message, "1 predictions but 2 actual values");
        Assert.ThrowsExactly<InvalidDataException>(() => RatingEvaluator.Evaluate([], []));
    }
}
