using System.Globalization;
using System.Reflection;
using System.Text;

namespace MLNetRecExtensions.Cli;

/// <summary>One option of a command: its name, value placeholder (null for a flag), default and meaning.</summary>
internal sealed record OptionSpec(string Name, string? Value, string Default, string Description, string? Alias = null);

/// <summary>
/// A command's options, used both to parse its arguments and to print its <c>--help</c> (every option with its
/// default), so the two cannot drift apart.
/// </summary>
internal sealed record CommandSpec(string Name, string Summary, IReadOnlyList<OptionSpec> Options, string? Notes = null)
{
    /// <summary>The accepted formats of delimited interaction files, shown by every command that reads one.</summary>
    public const string FileFormats =
        "Files: any delimited text file, one interaction per line; columns named by header (with --has-header) or by 0-based index; " +
        "string or numeric ids; fields may be quoted (\"a,b\"); a UTF-8 byte-order mark and CRLF line endings are accepted; " +
        "no --rating-col means implicit feedback (every row counts 1).";

    /// <summary>The program version (the CLI assembly's informational version).</summary>
    public static string Version =>
        typeof(CommandSpec).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(CommandSpec).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>One-line usage.</summary>
    public string Usage => $"usage: mlnet-rec {Name} " + string.Join(" ", Options.Select(o => o.Value == null ? $"[{o.Name}]" : $"[{o.Name} {o.Value}]"));

    /// <summary>The full help text: usage, summary, each option with its default, notes.</summary>
    public string Help()
    {
        var text = new StringBuilder();
        text.AppendLine($"mlnet-rec {Name} — {Summary}");
        text.AppendLine();
        text.AppendLine($"usage: mlnet-rec {Name} [options]");
        text.AppendLine();
        text.AppendLine("options:");
        var all = Options.Append(new OptionSpec("--help", null, "", "print this help", "-h")).Append(new OptionSpec("--version", null, "", "print the version"));
        foreach (var o in all)
        {
            string left = (o.Alias != null ? $"{o.Alias}, " : "") + o.Name + (o.Value != null ? $" {o.Value}" : "");
            string dflt = o.Default.Length > 0 ? $" (default: {o.Default})" : "";
            text.AppendLine($"  {left,-34} {o.Description}{dflt}");
        }
        if (Notes != null)
        {
            text.AppendLine();
            text.AppendLine(Notes);
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>
    /// Parses <paramref name="args"/>: options by name or alias; a flag may be followed by <c>true</c>/<c>false</c>.
    /// </summary>
    /// <exception cref="UsageException">Unknown option or a missing value (one-line message).</exception>
    public ParsedOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int a = 0; a < args.Count; a++)
        {
            string name = args[a];
            var spec = Options.FirstOrDefault(o => o.Name == name || o.Alias == name)
                ?? throw new UsageException($"unknown option '{name}'; see mlnet-rec {Name} --help");
            if (spec.Value == null)
            {
                string flag = "true";
                if (a + 1 < args.Count && args[a + 1] is "true" or "false") flag = args[++a];
                values[spec.Name] = flag;
                continue;
            }
            if (a + 1 >= args.Count) throw new UsageException($"option {name} needs a value");
            values[spec.Name] = args[++a];
        }
        return new ParsedOptions(values);
    }
}

/// <summary>Parsed option values with typed, validated accessors (errors are one-line <see cref="UsageException"/>s).</summary>
internal sealed class ParsedOptions(Dictionary<string, string> values)
{
    public bool Has(string name) => values.ContainsKey(name);

    public string? Get(string name) => values.GetValueOrDefault(name);

    public string Get(string name, string fallback) => values.GetValueOrDefault(name) ?? fallback;

    public bool Flag(string name) => values.TryGetValue(name, out var v) && v == "true";

    public int Int(string name, int fallback, int min = int.MinValue)
    {
        if (!values.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"{name} must be an integer, got '{text}'");
        if (v < min) throw new UsageException($"{name} must be at least {min}, got {v}");
        return v;
    }

    public double Double(string name, double fallback, double min)
    {
        if (!values.TryGetValue(name, out var text)) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"{name} must be a number, got '{text}'");
        if (v < min) throw new UsageException($"{name} must be at least {min.ToString(CultureInfo.InvariantCulture)}, got {text}");
        return v;
    }

    /// <summary>An existing file named by <paramref name="name"/>, or null when the option is absent.</summary>
    public string? ExistingFile(string name)
    {
        if (!values.TryGetValue(name, out var path)) return null;
        return File.Exists(path) ? path : throw new UsageException($"{name}: file not found: {path}");
    }
}
