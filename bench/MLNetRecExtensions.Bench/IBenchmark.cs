namespace MLNetRecExtensions.Bench;

/// <summary>
/// One benchmark of the runner, chosen by <see cref="Name"/> on the command line
/// (<c>dotnet run -c Release --project bench/MLNetRecExtensions.Bench -- NAME [args]</c>). Implementations are
/// discovered by reflection; each measures our code against a baseline in the same process and prints ratios.
/// </summary>
internal interface IBenchmark
{
    /// <summary>Command-line name, e.g. <c>retrieval</c>.</summary>
    string Name { get; }

    /// <summary>One line shown in the runner's usage text.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark and prints its table to standard output.</summary>
    void Run(string[] args);
}
