namespace TsvLive.Operations;

/// <summary>
/// <c>dotnet TsvLive.dll --probe [url]</c>: asks a running instance's <c>/healthz</c> and exits 0
/// when it answers 200, 1 otherwise, for container health checks in an image without curl. Without
/// a URL it asks the port the app is configured to listen on (<c>ASPNETCORE_URLS</c>, else
/// <c>ASPNETCORE_HTTP_PORTS</c>, else 5000) on loopback.
/// </summary>
internal static class HealthProbe
{
    private const string Flag = "--probe";

    public static bool IsAsked(string[] args) => args is [Flag, ..];

    public static int Run(string[] args)
    {
        var url = args is [_, var given, ..] ? new Uri(given) : new Uri(ConfiguredAddress(), "/healthz");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, url));
            Console.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{url}: {e.Message}");
            return 1;
        }
    }

    internal static Uri ConfiguredAddress()
    {
        if (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } urls)
        {
            // http://+:8080, http://0.0.0.0:8080, http://[::]:8080: any address includes loopback.
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]
                .Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
            return new Uri(first);
        }
        var port = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';', ',')[0].Trim() is { Length: > 0 } p ? p : "5000";
        return new Uri($"http://127.0.0.1:{port}");
    }
}
