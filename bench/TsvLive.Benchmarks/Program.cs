using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/TsvLive.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(TsvLive.Benchmarks.IndexingBenchmarks).Assembly).Run(args);
