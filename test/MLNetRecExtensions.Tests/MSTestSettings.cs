[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
[assembly: System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "MSTEST0001", Justification = "Parallelization is configured above.")]
