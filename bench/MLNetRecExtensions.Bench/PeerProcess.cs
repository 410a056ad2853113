using System.Diagnostics;

namespace MLNetRecExtensions.Bench;

/// <summary>
/// A peer implementation run beside a benchmark as a child process that speaks a line protocol: the bench writes
/// one request line to its standard input, the peer answers with one line on standard output. The peer's code is
/// never part of this repository; the bench only starts the command it is given (e.g. <c>--peer "python3 /path/peer.py"</c>).
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    public PeerProcess(string command, string arguments)
    {
        var parts = command.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var info = new ProcessStartInfo(parts[0], (parts.Length > 1 ? parts[1] + " " : "") + arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException($"could not start the peer '{command}'");
    }

    /// <summary>Reads the peer's next output line (its answer), failing if it exited.</summary>
    public string ReadLine() =>
        _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the peer exited (code {(_process.WaitForExit(1000) ? _process.ExitCode : -1)}) without answering");

    /// <summary>Sends one request line and returns the answer line.</summary>
    public string Ask(string request)
    {
        _process.StandardInput.WriteLine(request);
        _process.StandardInput.Flush();
        return ReadLine();
    }

    /// <summary>Parses <c>key=value</c> pairs of an answer line.</summary>
    public static Dictionary<string, double> Fields(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p.Contains('='))
            .ToDictionary(p => p[..p.IndexOf('=')], p => double.Parse(p[(p.IndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
