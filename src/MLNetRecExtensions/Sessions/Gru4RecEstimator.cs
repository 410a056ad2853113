using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// GRU4Rec (Hidasi et al. 2016; Hidasi &amp; Karatzoglou 2018): session-based next-item recommendation with a GRU
/// trained on session-parallel mini-batches. The loss (TOP1, BPR, TOP1-max, BPR-max, cross-entropy) and the negatives
/// (the batch's other targets plus N_A shared samples ∝ support^α) are options of this one trainer
/// (<see cref="Gru4RecOptions"/>). Fit reads a session log (session key, item key, time); the transformer maps a
/// session prefix (vector of item keys) to the top-K next items and their scores (<see cref="Gru4RecTransformer"/>).
/// </summary>
/// <remarks>
/// Training is deterministic for a fixed <see cref="Gru4RecOptions.Seed"/> and a given thread count (the matrix
/// products do not depend on it; the loss rows are computed in parallel but summed in order, so results are also
/// identical across thread counts). Dropped one-event sessions and sorted sessions are reported on ML.NET's log
/// (<c>mlContext.Log</c>) and in <see cref="Gru4RecTransformer.DataWarnings"/>; per-epoch progress goes to the log and
/// to <see cref="Gru4RecOptions.Progress"/>.
/// </remarks>
public sealed class Gru4RecEstimator : IEstimator<Gru4RecTransformer>
{
    private readonly MLContext _mlContext;
    private readonly Gru4RecOptions _options;

    /// <summary>Creates the estimator; use <c>mlContext.Recommenders().Trainers.Gru4Rec(...)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (named in the message).</exception>
    public Gru4RecEstimator(MLContext mlContext, Gru4RecOptions options)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        _mlContext = mlContext;
        _options = options.ValidatedCopy();
    }

    /// <summary>Trains on the session log <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">The data is empty, holds a missing key or a NaN/infinite time, or has no session of two events.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (NaN/infinite loss).</exception>
    public Gru4RecTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        SchemaChecks.RequireNumericColumn(input.Schema, o.TimeColumnName, "time");
        var events = InteractionData.FromDataView(input, o.SessionColumnName, o.ItemColumnName, labelColumn: null, timestampColumn: o.TimeColumnName);
        var sessions = SessionData.FromInteractions(events, source: "GRU4Rec training data");
        using var channel = ((IChannelProvider)_mlContext).Start("GRU4Rec");
        foreach (var warning in sessions.Warnings) channel.Warning(MessageSensitivity.None, warning);
        var model = Train(sessions, o, events.ItemIds, message => channel.Info(MessageSensitivity.None, message));
        var chain = Gru4RecScoring.Build(_mlContext, o, model.Pack()).Fit(Gru4RecScoring.PrefixSchemaView(_mlContext, o.PrefixColumnName));
        return new Gru4RecTransformer(chain, model, o, sessions.Warnings);
    }

    /// <summary>
    /// Trains on prepared sessions without ML.NET plumbing (benchmarks, the CLI, custom loops).
    /// </summary>
    /// <param name="train">The training sessions.</param>
    /// <param name="options">Options (validated here).</param>
    /// <param name="itemIds">Optional original item ids by index.</param>
    /// <param name="log">Optional sink for the per-epoch lines.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">Training diverged.</exception>
    public static Gru4RecModel Train(SessionData train, Gru4RecOptions options, IReadOnlyList<string>? itemIds = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.ValidatedCopy();
        var trainer = new Gru4RecTrainer(o, train);
        var history = trainer.Train(train, log);
        var popularity = train.ItemCounts().Select(c => (float)c).ToArray();
        return new Gru4RecModel(trainer.Network, popularity, o.TopK, itemIds, history, o.FinalActivation);
    }

    /// <summary>The input shape plus the top-K item keys (Vector&lt;UInt32&gt;) and scores (Vector&lt;Single&gt;).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prefix column is missing or not a vector of keys or numbers.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var prefix = inputSchema.FirstOrDefault(c => c.Name == _options.PrefixColumnName);
        if (prefix.Name == null)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The prefix column '{_options.PrefixColumnName}' is missing; scoring needs a vector of item keys (the session so far).");
        if (prefix.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The prefix column '{_options.PrefixColumnName}' is a scalar; give a vector of item keys.");
        return Gru4RecScoring.Build(_mlContext, _options, [0f]).GetOutputSchema(inputSchema);
    }
}
