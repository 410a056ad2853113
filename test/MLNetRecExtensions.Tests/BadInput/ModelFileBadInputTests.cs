using Microsoft.ML;
using MLNetRecExtensions.Factorization;
using MLNetRecExtensions.Persistence;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>Damaged model files (cases 9 and 13): "not a model file" with the path, never a bare FormatException.</summary>
[TestClass]
public sealed class ModelFileBadInputTests
{
    private static ScratchDirectory _dir = null!;
    private static string _model = null!;
    private static string _typed = null!;

    [ClassInitialize]
    public static void Save(TestContext _)
    {
        _dir = new ScratchDirectory();
        _model = BadInputModels.KeyModelWithIds(_dir.Path).Path;
        var ml = new MLContext(1);
        var view = BadInputModels.Ratings().ToDataView(ml);
        var mf = ml.Recommenders().Trainers.MatrixFactorization(new MatrixFactorizationTrainer.Options { NumberOfThreads = 1, NumberOfIterations = 2 }).Fit(view);
        _typed = Path.Combine(_dir.Path, "typed.zip");
        mf.Save(ml, mf, view.Schema, _typed);
    }

    [ClassCleanup]
    public static void Delete() => _dir.Dispose();

    private static string Damaged(string kind, string model) => kind switch
    {
        "empty" => _dir.File($"empty-{Guid.NewGuid():N}.zip", ""),
        "text" => _dir.File($"text-{Guid.NewGuid():N}.zip", "this is not a zip\n"),
        "truncated" => BadInputModels.Truncated(model, Directory.CreateDirectory(_dir.Combine("t" + Guid.NewGuid().ToString("N"))).FullName),
        "corrupted" => BadInputModels.Corrupted(model, Directory.CreateDirectory(_dir.Combine("c" + Guid.NewGuid().ToString("N"))).FullName),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [TestMethod]
    [DataRow("empty")]
    [DataRow("text")]
    [DataRow("truncated")]
    [DataRow("corrupted")]
    public void LoadModelNamesThePath(string kind)
    {
        var path = Damaged(kind, _model);
        var e = BadInputAssert.Throws<InvalidDataException>(() => _ = RecModelFile.LoadModel(new MLContext(1), path, out _), path, "not a model file");
        if (kind != "empty") Assert.IsNotNull(e.InnerException, "the underlying error is kept");
    }

    [TestMethod]
    [DataRow("empty")]
    [DataRow("truncated")]
    public void TypedLoadNamesThePath(string kind)
    {
        var path = Damaged(kind, _typed);
        BadInputAssert.Throws<InvalidDataException>(() => _ = MatrixFactorizationModel.Load(new MLContext(1), path), path);
    }

    [TestMethod]
    public void TypedLoadOfAPlainModelSaysHowToLoadIt() =>
        BadInputAssert.Throws<InvalidDataException>(() => _ = MatrixFactorizationModel.Load(new MLContext(1), _model), _model, "mlContext.Model.Load");

    [TestMethod]
    public void MissingModelFileNamesThePath()
    {
        var path = _dir.Combine("absent.zip");
        BadInputAssert.Throws<FileNotFoundException>(() => _ = RecModelFile.LoadModel(new MLContext(1), path, out _), "absent.zip");
    }
}
