using System.Reflection;

namespace TsvLive.Operations;

/// <summary>
/// Warns at start about each key under <c>TsvLive</c> that is no option (a misspelled
/// <c>TsvLive__MaxUplodBytes</c> would otherwise be ignored in silence), naming the option it most
/// likely meant.
/// </summary>
internal sealed partial class UnknownSettingsWarning(IConfiguration configuration, ILogger<UnknownSettingsWarning> logger) : IHostedService
{
    private static readonly string[] s_options = [.. typeof(TsvLiveOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name)];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var key in UnknownKeys(configuration))
        {
            LogUnknown(key, Closest(key));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<string> UnknownKeys(IConfiguration configuration) =>
        configuration.GetSection(TsvLiveOptions.Section).GetChildren()
            .Select(c => c.Key)
            .Where(k => !s_options.Contains(k, StringComparer.OrdinalIgnoreCase));

    /// <summary>The option with the fewest edits from <paramref name="key"/>.</summary>
    private static string Closest(string key) =>
        s_options.MinBy(o => Distance(key.ToUpperInvariant(), o.ToUpperInvariant()))!;

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }

    [LoggerMessage(LogLevel.Warning, "TsvLive:{Key} is not a TsvLive setting and is ignored. Did you mean TsvLive:{Closest}? (docs/configuration.md lists them all)")]
    private partial void LogUnknown(string key, string closest);
}
