using System.Reflection;
using MLNetRecExtensions.Bench;

var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

var chosen = args.Length == 0 ? null : benchmarks.FirstOrDefault(b => b.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase));
if (chosen == null)
{
    Console.Error.WriteLine(args.Length == 0 ? "Name a benchmark." : $"Unknown benchmark '{args[0]}'.");
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/MLNetRecExtensions.Bench -- NAME [args]");
    foreach (var b in benchmarks) Console.Error.WriteLine($"  {b.Name,-12} {b.Description}");
    return 2;
}
chosen.Run(args.Skip(1).ToArray());
return 0;
