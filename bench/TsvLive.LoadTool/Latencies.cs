using System.Globalization;

namespace TsvLive.LoadTool;

/// <summary>Latencies in milliseconds and their percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> _ms = [];

    public int Count => _ms.Count;

    public void Add(double milliseconds)
    {
        lock (_ms)
        {
            _ms.Add(milliseconds);
        }
    }

    public double Percentile(double p)
    {
        var sorted = _ms.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The middle of a few timings (the upper one of an even count), as the reports give them.</summary>
    public static double Median(IReadOnlyCollection<double> values) => values.Order().ElementAt(values.Count / 2);

    public double Max => _ms.Count == 0 ? double.NaN : _ms.Max();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {Percentile(50):0.00} ms, p99 {Percentile(99):0.00} ms, max {Max:0.00} ms (n = {Count})");
}
