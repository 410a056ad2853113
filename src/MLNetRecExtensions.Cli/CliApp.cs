namespace MLNetRecExtensions.Cli;

/// <summary>The command dispatcher of <c>mlnet-rec</c>: exit code 0 on success, 1 on bad data, 2 on a bad command line.</summary>
internal static class CliApp
{
    public static string Usage => "usage: mlnet-rec " + string.Join(" | ", CommandHelp.All.Select(c => c.Name)) + " [options]   (--help after a command for its options)";

    public static int Run(string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(CommandHelp.Overview());
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] is "--version" or "-v")
        {
            Console.WriteLine($"mlnet-rec {CommandSpec.Version}");
            return 0;
        }
        try
        {
            var spec = CommandHelp.All.FirstOrDefault(c => c.Name == args[0])
                ?? throw new UsageException($"unknown command '{args[0]}'; {Usage}");
            var rest = args.Skip(1).ToArray();
            if (rest.Any(a => a is "-h" or "--help")) { Console.WriteLine(spec.Help()); return 0; }
            if (rest.Any(a => a is "--version")) { Console.WriteLine($"mlnet-rec {CommandSpec.Version}"); return 0; }
            return args[0] switch
            {
                "compare" => CompareCommand.Run(rest),
                "score" => ScoreCommand.Run(rest, error),
                "recommendation" => RecommendationCommand.Run(rest),
                "recommend" => RecommendCommand.Run(rest, error),
                "evaluate" => EvaluateCommand.Run(rest),
                _ => throw new UsageException($"unknown command '{args[0]}'; {Usage}"),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"mlnet-rec: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException
                                      or InvalidOperationException or IOException or UnauthorizedAccessException or FormatException)
        {
            // Bad data, a diverged training run, an unwritable path: one line naming the cause, never a stack trace.
            error.WriteLine($"mlnet-rec: {e.Message}");
            return 1;
        }
    }
}
