using System.Diagnostics.Metrics;

namespace TsvLive.Operations;

/// <summary>
/// TsvLive's own measurements (meter "TsvLive"), exported with ASP.NET Core's at /metrics. Whoever
/// holds a quantity registers it (<see cref="Observe"/>); whoever does the work records it.
/// </summary>
internal sealed class TsvLiveMetrics
{
    public const string MeterName = "TsvLive";

    /// <summary>Uploads take from milliseconds (a small file) to minutes (a large one on a slow link).</summary>
    private static readonly double[] s_uploadSeconds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    /// <summary>A page takes well under a millisecond from memory and up to seconds when a table is read back from disk.</summary>
    private static readonly double[] s_pageSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly Meter _meter;
    private readonly Counter<long> _uploads;
    private readonly Counter<long> _uploadBytes;
    private readonly Histogram<double> _uploadDuration;
    private readonly Counter<long> _pageReads;
    private readonly Histogram<double> _pageReadDuration;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _viewsCancelled;

    public TsvLiveMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _uploads = _meter.CreateCounter<long>("tsvlive.uploads", "{upload}", "Uploads that became a version (new tables and replacements)");
        _uploadBytes = _meter.CreateCounter<long>("tsvlive.upload.bytes", "By", "Bytes of the uploads that became a version");
        _uploadDuration = _meter.CreateHistogram<double>("tsvlive.upload.duration", "s", "From the first byte to the version published",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_uploadSeconds });
        _pageReads = _meter.CreateCounter<long>("tsvlive.page.reads", "{page}", "Pages read, over HTTP and the hub");
        _pageReadDuration = _meter.CreateHistogram<double>("tsvlive.page.read.duration", "s", "Time to read (and, over HTTP, write) one page",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_pageSeconds });
        _evictions = _meter.CreateCounter<long>("tsvlive.evictions", "{table}", "Tables dropped from memory to make room (read back on demand)");
        _refusals = _meter.CreateCounter<long>("tsvlive.refusals", "{request}", "Requests refused, by reason (the error code)");
        _viewsCancelled = _meter.CreateCounter<long>(
            "tsvlive.view.cancellations", "{view}", "View computations stopped because their asker left or asked for another view");
    }

    /// <summary>A quantity someone holds, read when /metrics is scraped: tables and bytes held, watchers.</summary>
    public void Observe(string name, string unit, string description, Func<long> value) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    public void UploadCompleted(long bytes, TimeSpan duration)
    {
        _uploads.Add(1);
        _uploadBytes.Add(bytes);
        _uploadDuration.Record(duration.TotalSeconds);
    }

    public void PageRead(TimeSpan duration)
    {
        _pageReads.Add(1);
        _pageReadDuration.Record(duration.TotalSeconds);
    }

    public void Evicted() => _evictions.Add(1);

    public void ViewCancelled() => _viewsCancelled.Add(1);

    public void Refused(string code) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", code));
}
