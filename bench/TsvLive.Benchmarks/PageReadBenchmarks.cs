using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TsvLive.Tables;

namespace TsvLive.Benchmarks;

/// <summary>Reading one page of 100 rows at the start, middle and end of a 10-million-row table, and of a small table.</summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class PageReadBenchmarks
{
    private const int PageSize = 100;
    private static readonly TableContent s_large = Ingested.LoadAsync(GeneratedTsv.Rows(10_000_000)).GetAwaiter().GetResult();
    private static readonly TableContent s_small = Ingested.LoadAsync(GeneratedTsv.Rows(1_000)).GetAwaiter().GetResult();

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10));
    }

    [Benchmark(Baseline = true, Description = "Page 1 of a 1,000-row table")]
    public string[][] SmallFirst() => TableRecords.Rows(s_small, 0, PageSize).ToArray();

    [Benchmark(Description = "10M rows: first page")]
    public string[][] LargeStart() => TableRecords.Rows(s_large, 0, PageSize).ToArray();

    [Benchmark(Description = "10M rows: middle page")]
    public string[][] LargeMiddle() => TableRecords.Rows(s_large, 5_000_000 + 7, PageSize).ToArray();

    [Benchmark(Description = "10M rows: last page")]
    public string[][] LargeEnd() => TableRecords.Rows(s_large, 10_000_000 - PageSize, PageSize).ToArray();
}
