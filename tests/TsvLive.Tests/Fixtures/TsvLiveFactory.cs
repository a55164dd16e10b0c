using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TsvLive.Api;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Registry;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// The real app on Kestrel at a loopback port, so HTTP, WebSocket and browser tests meet the
/// server users meet. Settings override configuration ("TsvLive:MaxUploadBytes" and so on).
/// </summary>
public class TsvLiveFactory : WebApplicationFactory<Program>
{
    /// <summary>Production limits the tests lift: every test class uploads and pages a lot from one address; the limit tests set their own.</summary>
    private static readonly Dictionary<string, string> s_liftedLimits = new()
    {
        ["TsvLive:UploadsPerMinute"] = "100000",
        ["TsvLive:MaxUploadsPerAddress"] = "1000",
        ["TsvLive:HubCallsPerSecond"] = "100000",
        ["TsvLive:HubConnectionsPerMinute"] = "100000",
        ["TsvLive:MaxConnectionsPerAddress"] = "100000",
        ["TsvLive:MaxPageReadsPerAddress"] = "1000",
        ["TsvLive:NewTablesPerHour"] = "100000",
    };

    private static readonly Lock s_building = new();

    private TimeProvider? _clock;
    private readonly Dictionary<string, string> _settings = new(s_liftedLimits)
    {
        // Memory only: many servers run at once here, each on its own; the durability tests give theirs a directory.
        ["TsvLive:DataDirectory"] = "",
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["TsvLive:NotificationInterval"] = "00:00:00.050",
    };

    public TsvLiveFactory() => UseKestrel(0);

    /// <summary>The app on a given loopback port, e.g. to restart a server where clients expect it.</summary>
    internal TsvLiveFactory(int port) => UseKestrel(port);

    /// <summary>A setting for the server; call before the server starts.</summary>
    public TsvLiveFactory With(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>The server's clock (a FakeTimeProvider the test moves); call before the server starts.</summary>
    public TsvLiveFactory WithClock(TimeProvider clock)
    {
        _clock = clock;
        return this;
    }

    /// <summary>Keeps the production defaults of the limits the tests otherwise lift; call before the server starts.</summary>
    public TsvLiveFactory WithProductionLimits()
    {
        foreach (var key in s_liftedLimits.Keys)
        {
            _settings.Remove(key);
        }
        return this;
    }

    /// <summary>The server's address, such as http://127.0.0.1:41234/.</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    internal TableStore Store => Services.GetRequiredService<TableStore>();

    internal MemoryBudget Budget => Services.GetRequiredService<MemoryBudget>();

    internal TableMemory Memory => Services.GetRequiredService<TableMemory>();

    public HttpClient CreateHttpClient() => new() { BaseAddress = ServerAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Creates a table over HTTP, as curl would.</summary>
    public async Task<TableCreated> CreateTableAsync(byte[] bytes, CancellationToken cancellationToken, string name = "test.tsv")
    {
        using var http = CreateHttpClient();
        var response = await http.PostAsync($"/api/tables?name={Uri.EscapeDataString(name)}", new ByteArrayContent(bytes), cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TableCreated>(cancellationToken))!;
    }

    /// <summary>A started hub connection over WebSockets, with the JSON protocol or MessagePack.</summary>
    public async Task<HubConnection> ConnectHubAsync(CancellationToken cancellationToken, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(ServerAddress, "/hubs/tables"), HttpTransportType.WebSockets);
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }
        var connection = builder.Build();
        await connection.StartAsync(cancellationToken).WithTimeout();
        return connection;
    }

    /// <summary>
    /// Servers are built one at a time across the test run: building one runs Program's entry point
    /// under a process-wide hosting listener, and two built at the same moment could pick up each
    /// other's settings (seen as a rare test failing at start with another server's configuration).
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (s_building)
        {
            return base.CreateHost(builder);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
