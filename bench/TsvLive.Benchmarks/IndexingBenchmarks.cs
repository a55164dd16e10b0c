using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CsvHelper;
using TsvLive.Tables.Text;

namespace TsvLive.Benchmarks;

/// <summary>
/// Indexing a 100 MB TSV in memory, as an upload does (64 KiB chunks: store, validate UTF-8, index),
/// next to two floors measured in the same run: CsvHelper's own row-only scan of the same bytes, and
/// counting '\n' with a vectorized span search.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class IndexingBenchmarks
{
    public const int Size = 100_000_000;
    private static readonly byte[] s_file = GeneratedTsv.Realistic(Size);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(8));
            AddColumn(new ThroughputColumn(s_file.Length));
        }
    }

    [Benchmark(Description = "TsvLive ingest (store + index)")]
    public async Task<long> Ingest() => (await Ingested.LoadAsync(s_file)).RowCount;

    [Benchmark(Baseline = true, Description = "Floor: CsvHelper row-only scan")]
    public long CsvHelperRowScan()
    {
        using var reader = CsvReader.Create(s_file, RecordFormat.Options(Separator.Tab, Dialect.Quoted));
        long rows = 0;
        while (reader.Read())
        {
            rows++;
        }
        return rows;
    }

    [Benchmark(Description = "Floor: Span.Count('\\n')")]
    public int NewlineCount() => s_file.AsSpan().Count((byte)'\n');
}
