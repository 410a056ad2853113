using MLNetRecExtensions.Cli;
using MLNetRecExtensions.Serving.Bundle;

namespace MLNetRecExtensions.Tests.Cli;

[TestClass]
public sealed class ServeCommandTests
{
    private static (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        int code = CliApp.Run(args, error);
        return (code, error.ToString());
    }

    [TestMethod]
    public void ServeExportWritesABundleThatServeAccepts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlnetrec-export-{Guid.NewGuid():N}.zip");
        try
        {
            var (code, error) = Run("serve-export", "--dataset", "synthetic", "--model", path, "--factors", "8", "--id", "synthetic-test");
            Assert.AreEqual(0, code, error);
            var bundle = ServingModel.Load(path);
            Assert.AreEqual("synthetic-test", bundle.ModelId);
            Assert.AreEqual(8, bundle.Dimension);
            Assert.AreEqual(3000, bundle.Users.Count);
            var recommendations = bundle.CreateRecommender(MLNetRecExtensions.Retrieval.EmbeddingIndexKind.Exact).Recommend(bundle.Users[0], 5);
            Assert.IsFalse(recommendations.IsColdStart);
            Assert.HasCount(5, recommendations.Items);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void BadServeArgumentsExitWithUsageErrors()
    {
        var (code, error) = Run("serve");
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "--model is required");
        (code, error) = Run("serve", "--model", "/no/such/model.zip");
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "file not found");
        (code, error) = Run("serve", "--model", "x.zip", "--index", "lsh");
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "--index must be exact or hnsw");
        (code, error) = Run("serve", "--model", "x.zip", "--port", "99999");
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "--port");
    }
}
