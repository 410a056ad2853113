using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MLNetRecExtensions.Tests.Serving;

/// <summary>
/// A real redis-server for the tests: <c>MLNETREC_REDIS=HOST:PORT</c> (set by .ci/run, which starts and stops its
/// own instance) or, without it, an instance started here on a free loopback port from <c>redis-server</c> on the
/// PATH. Without either the Redis tests are inconclusive locally and fail under CI (<c>CI=true</c>).
/// </summary>
internal static class TestRedis
{
    private static readonly Lazy<string?> Shared = new(() =>
        Environment.GetEnvironmentVariable("MLNETREC_REDIS") is { Length: > 0 } endpoint ? endpoint : StartOwn()?.Endpoint);

    /// <summary>The shared instance's HOST:PORT.</summary>
    public static string Endpoint => Shared.Value ?? Missing();

    /// <summary>A private redis-server the caller may stop (kill) at will; null without a redis-server binary.</summary>
    public static RedisProcess? StartOwn()
    {
        var binary = FindRedisServer();
        if (binary == null) return null;
        int port = FreePort();
        var process = Process.Start(new ProcessStartInfo(binary, $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start redis-server");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var instance = new RedisProcess(process, $"127.0.0.1:{port}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return instance;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        instance.Dispose();
        throw new InvalidOperationException($"redis-server did not listen on port {port} within 20 s");
    }

    /// <summary>A loopback port nothing listens on (at the time of the call).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Missing()
    {
        const string message = "No Redis for the tests: set MLNETREC_REDIS=HOST:PORT or install redis-server (apt-get install -y redis-server); .ci/run does both.";
        if (Environment.GetEnvironmentVariable("CI") is "true" or "1") Assert.Fail(message);
        Assert.Inconclusive(message);
        return "";
    }

    /// <summary>A private instance, or the inconclusive/fail of <see cref="Endpoint"/> when redis-server is missing.</summary>
    public static RedisProcess RequireOwn()
    {
        var own = StartOwn();
        if (own != null) return own;
        Missing();
        throw new InvalidOperationException("unreachable: Missing() throws");
    }

    private static string? FindRedisServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var path = Path.Combine(dir, "redis-server");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}

/// <summary>A redis-server child process; disposing kills it.</summary>
internal sealed class RedisProcess(Process process, string endpoint) : IDisposable
{
    public string Endpoint { get; } = endpoint;

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
