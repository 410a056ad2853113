namespace MLNetRecExtensions.Sessions;

/// <summary>
/// The settings the session leaderboard trains each loss with. All start from <see cref="Gru4RecOptions"/>'s defaults
/// (the official best YOOCHOOSE cross-entropy setting: layers [100], batch 32, one-hot input with constrained
/// embedding, hidden dropout 0.4, learning rate 0.2, momentum 0.2, 10 epochs) and change only:
/// <list type="bullet">
/// <item>CrossEntropy: N_A 2048, α 0.5, log-Q 1 (unchanged).</item>
/// <item>BprMax: ELU 0.5 final activation, bpreg 0.5, N_A 2048, α 0, momentum 0.1 (Hidasi &amp; Karatzoglou 2018), and
/// learning rate 0.05, the rate of every official bpr-max parameter file. At the cross-entropy rate 0.2, AdaGrad's
/// first steps (≈ lr per coordinate, whatever the gradient's size) push scores up by tens on the unbounded positive
/// side of the ELU, where the score regularization's gradient grows linearly: training diverges (mean epoch losses
/// 73, 7.9, 11, …, Recall@20 0.02), and so does the official PyTorch code with the same settings (epoch-1 loss 6727);
/// at 0.05 the first epoch's loss is 0.44 and 10 epochs reach Recall@20 0.7002, MRR@20 0.3811 on YOOCHOOSE 100k
/// (the official code with these settings: 0.7018 / 0.3792).</item>
/// <item>Top1Max: ELU 0.5, N_A 2048, α 0, momentum 0.1.</item>
/// <item>Bpr and Top1: mini-batch negatives only (N_A 0), as in the 2016 paper.</item>
/// </list>
/// </summary>
public static class Gru4RecPresets
{
    /// <summary>The options for <paramref name="loss"/> (a new object each call).</summary>
    public static Gru4RecOptions For(Gru4RecLoss loss, int epochs = 10, int seed = 42, int threads = 1)
    {
        var o = new Gru4RecOptions { Loss = loss, NumberOfEpochs = epochs, Seed = seed, NumberOfThreads = threads };
        switch (loss)
        {
            case Gru4RecLoss.BprMax:
                o.FinalActivation = Gru4RecFinalActivation.Elu; o.EluParameter = 0.5f; o.BprRegularization = 0.5f;
                o.SampleAlpha = 0f; o.Momentum = 0.1f; o.LearningRate = 0.05f;
                break;
            case Gru4RecLoss.Top1Max:
                o.FinalActivation = Gru4RecFinalActivation.Elu; o.EluParameter = 0.5f;
                o.SampleAlpha = 0f; o.Momentum = 0.1f;
                break;
            case Gru4RecLoss.Bpr:
            case Gru4RecLoss.Top1:
                o.NumberOfAdditionalSamples = 0;
                break;
        }
        return o;
    }
}
