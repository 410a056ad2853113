namespace MLNetRecExtensions.Tests.Data;

/// <summary>A uniquely named file in the temp folder, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string content, string name = "interactions.txt")
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnetrec-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, name);
        File.WriteAllText(Path, content);
    }

    public string Directory { get; }

    public string Path { get; }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
