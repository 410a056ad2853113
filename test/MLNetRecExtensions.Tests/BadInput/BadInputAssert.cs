using MLNetRecExtensions.Cli;

namespace MLNetRecExtensions.Tests.BadInput;

/// <summary>
/// The two assertions of the bad-input suite: an exception of exactly the expected type whose message contains every
/// expected fragment (the file, line, column, value, fix), or a CLI exit code with a one-line message that does.
/// </summary>
internal static class BadInputAssert
{
    public static TException Throws<TException>(Action action, params string[] fragments) where TException : Exception
    {
        var e = Assert.ThrowsExactly<TException>(action);
        foreach (var f in fragments)
            Assert.IsTrue(e.Message.Contains(f, StringComparison.Ordinal), $"The message should contain \"{f}\" but is: {e.Message}");
        return e;
    }

    /// <summary>Runs <c>mlnet-rec</c> in-process; asserts the exit code, one stderr line (no stack trace) and the fragments.</summary>
    public static string Cli(int expectedCode, string[] args, params string[] fragments)
    {
        var error = new StringWriter();
        int code = CliApp.Run(args, error);
        var text = error.ToString();
        Assert.AreEqual(expectedCode, code, $"exit code; stderr: {text}");
        if (expectedCode != 0)
        {
            Assert.AreEqual(1, text.TrimEnd().Split('\n').Length, $"one line expected, got: {text}");
            Assert.IsFalse(text.Contains("   at ", StringComparison.Ordinal), $"no stack trace expected: {text}");
        }
        foreach (var f in fragments)
            Assert.IsTrue(text.Contains(f, StringComparison.Ordinal), $"stderr should contain \"{f}\" but is: {text}");
        return text;
    }
}

/// <summary>A temporary folder for the files a test writes, deleted on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory() => Path = Directory.CreateTempSubdirectory("mlnetrec-bad").FullName;

    public string Path { get; }

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Bytes(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
