namespace MLNetRecExtensions.TwoTower;

/// <summary>Progress of <see cref="TwoTowerEstimator"/> after one epoch.</summary>
/// <param name="Epoch">1-based epoch just finished.</param>
/// <param name="EpochCount">Epochs planned (<see cref="TwoTowerOptions.NumberOfEpochs"/>).</param>
/// <param name="Loss">Mean training loss of the epoch's batches (gravity term included).</param>
/// <param name="ValidationRecall">Recall@<see cref="TwoTowerOptions.ValidationK"/> on the validation data (training items
/// excluded), or null without validation data.</param>
/// <param name="Elapsed">Training time so far.</param>
public sealed record TwoTowerProgress(int Epoch, int EpochCount, double Loss, double? ValidationRecall, TimeSpan Elapsed);
