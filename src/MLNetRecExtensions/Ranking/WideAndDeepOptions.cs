using MLNetRecExtensions.Features;

namespace MLNetRecExtensions.Ranking;

/// <summary>Which parts of the model are trained and scored.</summary>
public enum WideAndDeepMode
{
    /// <summary>Both parts, trained jointly: <c>logit = wide(x) + deep(x) + bias</c>.</summary>
    WideAndDeep,
    /// <summary>Only the linear part (and the bias): a logistic regression trained with FTRL-Proximal.</summary>
    WideOnly,
    /// <summary>Only the embeddings and MLP (and the bias), trained with AdaGrad.</summary>
    DeepOnly,
}

/// <summary>
/// Options of <see cref="WideAndDeepEstimator"/> (Cheng et al. 2016, "Wide &amp; Deep Learning for Recommender
/// Systems"). The defaults follow TensorFlow's <c>DNNLinearCombinedClassifier</c>: FTRL for the wide part, AdaGrad
/// 0.05 for the deep part, hidden layers 100 → 50, embeddings of dimension 8.
/// </summary>
public sealed class WideAndDeepOptions
{
    /// <summary>Label column: Boolean, or Single/Double holding 0 or 1, or a key whose values are 1 (negative) and 2 (positive). Default <c>Label</c>.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// Wide input: a known-size <c>Vector&lt;Single&gt;</c> (typically one-hot encodings concatenated with
    /// CrossProduct indicators); sparse vectors are read and updated sparsely. Null: no wide features. Default <c>Wide</c>.
    /// </summary>
    public string? WideFeatureColumnName { get; set; } = "Wide";

    /// <summary>
    /// Deep categorical inputs: scalar UInt32 key columns (from <c>MapValueToKey</c>), one embedding table each with
    /// <c>keyCount + 1</c> rows. Row 0 serves key 0 (missing or unknown value, e.g. a value unseen by
    /// <c>MapValueToKey</c>) and keys above the trained count; it starts at zero and is trained only by rows with key 0.
    /// </summary>
    public IList<string> CategoricalColumnNames { get; set; } = new List<string>();

    /// <summary>Deep continuous inputs: Single or known-size vector-of-Single columns, normalised per <see cref="Normalization"/>. NaN is rejected.</summary>
    public IList<string> ContinuousColumnNames { get; set; } = new List<string>();

    /// <summary>
    /// Optional non-negative Single example weight. With a weight per row the loss is
    /// <c>Σ w·ℓ / Σ w</c> per mini-batch, so integer weights train exactly like duplicated rows. YouTube's
    /// watch-time-weighted logistic regression (Covington et al. 2016) weights positives by watch time and negatives
    /// by 1: the learned odds <c>e^Score</c> then estimate the expected watch time of an impression.
    /// </summary>
    public string? ExampleWeightColumnName { get; set; }

    /// <summary>Which parts to train (for comparisons). Default <see cref="WideAndDeepMode.WideAndDeep"/>.</summary>
    public WideAndDeepMode Mode { get; set; } = WideAndDeepMode.WideAndDeep;

    /// <summary>Embedding dimension of every categorical column, &gt; 0. Default 8.</summary>
    public int EmbeddingDimension { get; set; } = 8;

    /// <summary>Hidden layer widths of the MLP (ReLU, Xavier init), each &gt; 0; the output layer (width 1, linear) is added. Default 100, 50.</summary>
    public IList<int> HiddenLayers { get; set; } = new List<int> { 100, 50 };

    /// <summary>Rescaling of continuous inputs. Default <see cref="ContinuousNormalization.MeanVariance"/>.</summary>
    public ContinuousNormalization Normalization { get; set; } = ContinuousNormalization.MeanVariance;

    /// <summary>FTRL-Proximal learning-rate scale α of the wide part and the bias, &gt; 0. Default 0.1.</summary>
    public float FtrlAlpha { get; set; } = 0.1f;

    /// <summary>FTRL-Proximal smoothing β, ≥ 0. Default 1.</summary>
    public float FtrlBeta { get; set; } = 1f;

    /// <summary>FTRL-Proximal L1 strength λ1 on the wide weights, ≥ 0 (zeroes weights). Default 0.</summary>
    public float FtrlL1 { get; set; }

    /// <summary>FTRL-Proximal L2 strength λ2 on the wide weights, ≥ 0. Default 0.</summary>
    public float FtrlL2 { get; set; }

    /// <summary>AdaGrad step size of the deep part (embeddings and MLP), &gt; 0. Default 0.05.</summary>
    public float DeepLearningRate { get; set; } = 0.05f;

    /// <summary>Examples per mini-batch, &gt; 0. Default 256.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Passes over the training data, &gt; 0. Default 10.</summary>
    public int NumberOfEpochs { get; set; } = 10;

    /// <summary>Whether the rows are reshuffled (seeded) every epoch. Default true.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Seed of initialisation and shuffling: a fixed seed gives the same model. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Receives one report per epoch (training loss, validation metrics when validation data is given).</summary>
    public IProgress<WideAndDeepProgress>? Progress { get; set; }

    internal bool HasWide => Mode != WideAndDeepMode.DeepOnly;
    internal bool HasDeep => Mode != WideAndDeepMode.WideOnly;

    /// <summary>A validated copy: later changes by the caller cannot alter a built estimator.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (named in the message).</exception>
    internal WideAndDeepOptions ValidatedCopy()
    {
        static void Require(bool ok, string name, object? value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{nameof(WideAndDeepOptions)}.{name} {rule}, but is {value}.");
        }
        Require(!string.IsNullOrEmpty(LabelColumnName), nameof(LabelColumnName), LabelColumnName, "must name a column");
        Require(Enum.IsDefined(Mode), nameof(Mode), Mode, "must be a defined mode");
        Require(Enum.IsDefined(Normalization), nameof(Normalization), Normalization, "must be a defined normalization");
        Require(EmbeddingDimension > 0, nameof(EmbeddingDimension), EmbeddingDimension, "must be > 0");
        Require(HiddenLayers != null && HiddenLayers.All(w => w > 0), nameof(HiddenLayers),
            HiddenLayers == null ? "null" : string.Join(",", HiddenLayers), "must be a list of widths > 0");
        Require(FtrlAlpha > 0 && float.IsFinite(FtrlAlpha), nameof(FtrlAlpha), FtrlAlpha, "must be a positive finite number");
        Require(FtrlBeta >= 0 && float.IsFinite(FtrlBeta), nameof(FtrlBeta), FtrlBeta, "must be ≥ 0");
        Require(FtrlL1 >= 0 && float.IsFinite(FtrlL1), nameof(FtrlL1), FtrlL1, "must be ≥ 0");
        Require(FtrlL2 >= 0 && float.IsFinite(FtrlL2), nameof(FtrlL2), FtrlL2, "must be ≥ 0");
        Require(DeepLearningRate > 0 && float.IsFinite(DeepLearningRate), nameof(DeepLearningRate), DeepLearningRate, "must be a positive finite number");
        Require(BatchSize > 0, nameof(BatchSize), BatchSize, "must be > 0");
        Require(NumberOfEpochs > 0, nameof(NumberOfEpochs), NumberOfEpochs, "must be > 0");
        var categorical = (CategoricalColumnNames ?? []).ToArray();
        var continuous = (ContinuousColumnNames ?? []).ToArray();
        Require(categorical.Concat(continuous).All(n => !string.IsNullOrEmpty(n)), nameof(CategoricalColumnNames), "(empty name)", "must not contain empty column names");
        if (Mode != WideAndDeepMode.DeepOnly && string.IsNullOrEmpty(WideFeatureColumnName))
            throw new ArgumentOutOfRangeException(nameof(WideFeatureColumnName),
                $"Mode {Mode} needs the wide part: set {nameof(WideFeatureColumnName)} to a Vector<Single> column, or use Mode = DeepOnly.");
        if (Mode != WideAndDeepMode.WideOnly && categorical.Length + continuous.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(CategoricalColumnNames),
                $"Mode {Mode} needs the deep part: give at least one of {nameof(CategoricalColumnNames)} or {nameof(ContinuousColumnNames)}, or use Mode = WideOnly.");
        return new WideAndDeepOptions
        {
            LabelColumnName = LabelColumnName,
            WideFeatureColumnName = Mode == WideAndDeepMode.DeepOnly ? null : WideFeatureColumnName,
            CategoricalColumnNames = Mode == WideAndDeepMode.WideOnly ? [] : categorical.ToList(),
            ContinuousColumnNames = Mode == WideAndDeepMode.WideOnly ? [] : continuous.ToList(),
            ExampleWeightColumnName = string.IsNullOrEmpty(ExampleWeightColumnName) ? null : ExampleWeightColumnName,
            Mode = Mode,
            EmbeddingDimension = EmbeddingDimension,
            HiddenLayers = HiddenLayers!.ToList(),
            Normalization = Normalization,
            FtrlAlpha = FtrlAlpha,
            FtrlBeta = FtrlBeta,
            FtrlL1 = FtrlL1,
            FtrlL2 = FtrlL2,
            DeepLearningRate = DeepLearningRate,
            BatchSize = BatchSize,
            NumberOfEpochs = NumberOfEpochs,
            Shuffle = Shuffle,
            Seed = Seed,
            Progress = Progress,
        };
    }
}
