namespace TsvLive.Tables.Uploads;

/// <summary>
/// Ends the uploads in flight when the server stops, and lets their clients hear why: it stops the
/// uploads, waits briefly until they have ended, and gives their error replies ("the server is
/// shutting down") a moment to go out. Its callback on ApplicationStopping is registered after
/// SignalR's (which closes every connection), so it runs first.
/// </summary>
internal sealed class UploadDrain : IDisposable
{
    private static readonly TimeSpan s_longestWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_replyGrace = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenRegistration _registration;
    private int _running;

    public UploadDrain(IHostApplicationLifetime lifetime) => _registration = lifetime.ApplicationStopping.Register(Drain);

    /// <summary>Cancelled when the server starts to stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Counts one upload as running until the result is disposed.</summary>
    public IDisposable Track()
    {
        Interlocked.Increment(ref _running);
        return new Running(this);
    }

    public void Dispose()
    {
        _registration.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Stops the uploads in flight and waits briefly for their replies.</summary>
    private void Drain()
    {
        var hadUploads = Volatile.Read(ref _running) > 0;
        _stopping.Cancel();
        if (!hadUploads)
        {
            return;
        }
        SpinWait.SpinUntil(() => Volatile.Read(ref _running) == 0, s_longestWait);
        Thread.Sleep(s_replyGrace);
    }

    private sealed class Running(UploadDrain drain) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref drain._running);
            }
        }
    }
}
