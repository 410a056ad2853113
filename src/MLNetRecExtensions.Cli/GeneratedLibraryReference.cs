using System.Text.Json;

namespace MLNetRecExtensions.Cli;

/// <summary>
/// How the generated <c>Training/</c> project references the library. MLNetRecExtensions is not on nuget.org, so the
/// project references the very assembly this tool runs with, copied to <c>Training/lib/</c>, plus the library's own
/// package dependencies at the versions the tool was built with (read from the tool's <c>.deps.json</c>): it restores
/// from nuget.org alone, whether or not the source tree is around and however the tool was installed.
/// </summary>
internal static class GeneratedLibraryReference
{
    private const string Library = "MLNetRecExtensions";

    /// <summary>
    /// Copies the library assembly (and its XML docs when present) into <paramref name="projectDir"/>/lib and returns
    /// the csproj item lines: one <c>Reference</c> with a <c>HintPath</c> and one <c>PackageReference</c> per dependency.
    /// </summary>
    /// <exception cref="InvalidOperationException">The assembly or its dependency list cannot be found beside the tool.</exception>
    public static string Write(string projectDir)
    {
        string source = typeof(Recommendation.Recommender).Assembly.Location;
        if (string.IsNullOrEmpty(source) || !File.Exists(source))
            throw new InvalidOperationException($"Cannot find {Library}.dll beside the tool (in {AppContext.BaseDirectory}) to copy into the generated training project; reinstall the tool.");
        var lib = Directory.CreateDirectory(Path.Combine(projectDir, "lib")).FullName;
        File.Copy(source, Path.Combine(lib, Library + ".dll"), overwrite: true);
        var docs = Path.ChangeExtension(source, ".xml");
        if (File.Exists(docs)) File.Copy(docs, Path.Combine(lib, Library + ".xml"), overwrite: true);
        var (version, dependencies) = Dependencies();
        var lines = new List<string>
        {
            $"    <!-- {Library} {version} is not on nuget.org: lib/{Library}.dll is the copy mlnet-rec ran with. With the package on a feed",
            $"         of yours, replace this Reference by <PackageReference Include=\"{Library}\" Version=\"{version}\" /> and drop the lines below it. -->",
            $"    <Reference Include=\"{Library}\"><HintPath>lib/{Library}.dll</HintPath></Reference>",
        };
        lines.AddRange(dependencies.Select(d => $"    <PackageReference Include=\"{d.Key}\" Version=\"{d.Value}\" />"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The library's version and package dependencies (id → version) from the running application's deps.json.</summary>
    /// <exception cref="InvalidOperationException">No deps.json lists the library.</exception>
    internal static (string Version, IReadOnlyDictionary<string, string> Dependencies) Dependencies()
    {
        var files = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files.Where(File.Exists))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var target in doc.RootElement.GetProperty("targets").EnumerateObject())
                foreach (var package in target.Value.EnumerateObject())
                {
                    if (!package.Name.StartsWith(Library + "/", StringComparison.Ordinal)) continue;
                    var dependencies = package.Value.TryGetProperty("dependencies", out var d)
                        ? d.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToDictionary(p => p.Name, p => p.Value.GetString()!)
                        : [];
                    return (package.Name[(Library.Length + 1)..], dependencies);
                }
        }
        throw new InvalidOperationException($"No deps.json of the running tool ({string.Join(", ", files)}) lists {Library}; cannot write the generated training project's package references. Reinstall the tool.");
    }
}
