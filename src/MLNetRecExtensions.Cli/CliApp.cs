namespace MLNetRecExtensions.Cli;

/// <summary>The command dispatcher of <c>mlnet-rec</c>: exit code 0 on success, 1 on bad data, 2 on a bad command line.</summary>
internal static class CliApp
{
    public const string Usage = "usage: mlnet-rec compare [options] | mlnet-rec score --model MODEL.zip --input ROWS.tsv   (--help after a command for its options)";

    public static int Run(string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            Console.WriteLine(CompareArguments.Usage);
            Console.WriteLine(ScoreCommand.Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            switch (args[0])
            {
                case "compare":
                    if (args.Skip(1).Any(a => a is "-h" or "--help")) { Console.WriteLine(CompareArguments.Usage); return 0; }
                    return CompareCommand.Run(args.Skip(1).ToArray());
                case "score":
                    if (args.Skip(1).Any(a => a is "-h" or "--help")) { Console.WriteLine(ScoreCommand.Usage); return 0; }
                    return ScoreCommand.Run(args.Skip(1).ToArray(), error);
                default:
                    throw new UsageException($"unknown command '{args[0]}'; {Usage}");
            }
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
