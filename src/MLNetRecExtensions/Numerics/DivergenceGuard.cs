using System.Globalization;

namespace MLNetRecExtensions.Numerics;

/// <summary>
/// The one divergence check every trainer calls once per epoch (or iteration) with its training loss: training stops
/// with <see cref="InvalidOperationException"/> when the loss is NaN or infinite, or when it has exploded to more than
/// <see cref="ExplosionFactor"/> times the reference loss — the loss before the first update when the trainer knows
/// it, otherwise the first epoch's. The message names the trainer, the epoch and the loss, and gives the trainer's
/// advice (lower the learning rate, …).
/// </summary>
internal sealed class DivergenceGuard
{
    /// <summary>A loss this many times the reference loss counts as exploded.</summary>
    public const double ExplosionFactor = 100;

    private readonly string _trainer;
    private readonly string _unit;
    private readonly int _epochs;
    private readonly string _advice;
    private double? _reference;
    private int _referenceEpoch;

    /// <param name="trainer">Trainer name for messages, e.g. "Matrix factorization (SGD)".</param>
    /// <param name="epochs">Planned epochs or iterations.</param>
    /// <param name="advice">What to change, e.g. "Use a smaller LearningRate (now 1000000).".</param>
    /// <param name="unit">"epoch" or "iteration".</param>
    public DivergenceGuard(string trainer, int epochs, string advice, string unit = "epoch")
    {
        _trainer = trainer;
        _epochs = epochs;
        _advice = advice;
        _unit = unit;
    }

    /// <summary>Sets the loss before the first update as the reference (ignored when not finite and positive).</summary>
    public void SetInitialLoss(double loss)
    {
        if (double.IsFinite(loss) && loss > 0) { _reference = loss; _referenceEpoch = 0; }
    }

    /// <summary>Checks a loss seen during <paramref name="epoch"/> (a batch loss may be checked before the epoch ends).</summary>
    /// <exception cref="InvalidOperationException">The loss is not finite.</exception>
    public void CheckFinite(int epoch, double loss)
    {
        if (!double.IsFinite(loss))
            throw Diverged(epoch, string.Create(CultureInfo.InvariantCulture, $"the loss is {loss}"));
    }

    /// <summary>Checks the loss of a finished epoch.</summary>
    /// <exception cref="InvalidOperationException">The loss is not finite or has exploded.</exception>
    public void Check(int epoch, double loss)
    {
        CheckFinite(epoch, loss);
        if (_reference is not { } reference)
        {
            if (loss > 0) { _reference = loss; _referenceEpoch = epoch; }
            return;
        }
        if (loss > ExplosionFactor * reference)
        {
            string when = _referenceEpoch == 0 ? "before training" : $"of {_unit} {_referenceEpoch}";
            throw Diverged(epoch, string.Create(CultureInfo.InvariantCulture,
                $"the loss exploded to {loss:G4}, more than {ExplosionFactor}× the loss {reference:G4} {when}"));
        }
    }

    private InvalidOperationException Diverged(int epoch, string what) =>
        new($"{_trainer} training diverged in {_unit} {epoch} of {_epochs}: {what}. {_advice}");
}
