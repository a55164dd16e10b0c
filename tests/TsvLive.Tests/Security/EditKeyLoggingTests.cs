using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

public class EditKeyLoggingTests(EditKeyLoggingTests.Factory factory) : IClassFixture<EditKeyLoggingTests.Factory>
{
    /// <summary>The app logging everything (Debug and up) into a sink the test reads.</summary>
    public sealed class Factory : TsvLiveFactory
    {
        public CollectingSink Sink { get; } = new();

        public Factory() => With("Serilog:MinimumLevel:Default", "Debug").With("Serilog:MinimumLevel:Override:Microsoft.AspNetCore", "Debug");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Sink));
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoLogEventEverContainsAnEditKey()
    {
        using var http = factory.CreateHttpClient();
        var created = await (await http.PostAsync("/api/tables?name=secret.tsv", new ByteArrayContent(Tsv.Numbered(5)), Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("id").GetString()!;
        var editKey = created.GetProperty("editKey").GetString()!;
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{id}") { Content = new ByteArrayContent(Tsv.Numbered(6)) };
        put.Headers.Add("X-Edit-Key", editKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
        await using var hub = await factory.ConnectHubAsync(Ct);
        var hubCreated = await hub.InvokeAsync<TableCreated>("Upload", Chunks(), new UploadRequest("hub.tsv"), Ct).WithTimeout();
        await hub.InvokeAsync<TableInfo>("Upload", Chunks(), new UploadRequest("hub.tsv", hubCreated.Id, hubCreated.EditKey), Ct).WithTimeout();
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TableInfo>("Upload", Chunks(), new UploadRequest("x", id, editKey + "x"), Ct).WithTimeout());

        var texts = factory.Sink.Texts().ToList();
        Assert.Contains(texts, t => t.Contains($"Stored table {id} version 2", StringComparison.Ordinal) || t.Contains($"\"{id}\"", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains(hubCreated.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains(editKey, StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains(hubCreated.EditKey, StringComparison.Ordinal));
    }

    private static async IAsyncEnumerable<byte[]> Chunks()
    {
        await Task.Yield();
        yield return Tsv.Numbered(3);
    }
}
