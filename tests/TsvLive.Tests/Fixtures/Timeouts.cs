namespace TsvLive.Tests.Fixtures;

/// <summary>Every await on the network has a timeout, so a broken test fails instead of hanging.</summary>
public static class Timeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    public static Task WithTimeout(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    /// <summary>
    /// Looks at <paramref name="condition"/> every 10 ms until it holds (true) or the deadline passes
    /// (false, 30 s by default): a test waits for what the server does, never for a fixed time.
    /// </summary>
    public static async Task<bool> Until(Func<bool> condition, TimeSpan? deadline = null)
    {
        using var within = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            try
            {
                await Task.Delay(10, within.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }
        return true;
    }

    /// <summary>As <see cref="Until(Func{bool}, TimeSpan?)"/>, for a condition that asks the server (every 10 ms after each answer).</summary>
    public static async Task<bool> Until(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        using var within = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            try
            {
                await Task.Delay(10, within.Token);
            }
            catch (OperationCanceledException)
            {
                return await condition();
            }
        }
        return true;
    }
}
