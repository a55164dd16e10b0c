using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace TsvLive.Tests.Fixtures;

/// <summary>Keeps every log event the app writes, for tests where the log is the behaviour.</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>Each event as one text: its rendered message, its properties and its exception.</summary>
    public IEnumerable<string> Texts() => _events.Select(e =>
        e.RenderMessage() + " " + string.Join(" ", e.Properties.Select(p => $"{p.Key}={p.Value}")) + " " + e.Exception);
}
