namespace MLNetRecExtensions.Tests;

/// <summary>
/// Locates the real datasets in ../shared/data. Tests that need one call <see cref="RequireFile"/>: when the file is
/// missing the test is skipped (inconclusive) with a message, or fails when MLNETREC_REQUIRE_DATA=1 (as in CI).
/// </summary>
internal static class TestData
{
    public static string SharedDataRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("MLNETREC_DATA");
            if (!string.IsNullOrEmpty(env)) return env;
            // Walk up from the test binaries to the repository root, whose sibling is ../shared.
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLNetRecExtensions.sln"))) dir = dir.Parent;
            var root = dir?.Parent?.FullName ?? AppContext.BaseDirectory;
            return Path.Combine(root, "shared", "data");
        }
    }

    public static string RequireFile(params string[] relative)
    {
        var path = Path.Combine(SharedDataRoot, Path.Combine(relative));
        if (File.Exists(path)) return path;
        var message = $"Dataset file not found: {path}. Place ../shared/data beside the repository (see ../shared/data/README.md).";
        if (Environment.GetEnvironmentVariable("MLNETREC_REQUIRE_DATA") == "1") Assert.Fail(message);
        Assert.Inconclusive(message);
        return path;
    }
}
