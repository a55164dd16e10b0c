namespace TsvLive.Tests.Architecture;

/// <summary>
/// The folders of src/TsvLive and the arrows allowed between them (docs/architecture.md draws them):
/// each folder may use only the folders listed before it, so no two folders use each other, however
/// indirectly. A new folder must be placed in this list.
/// </summary>
public sealed class FolderDependencyTests
{
    /// <summary>From the bottom (used by everyone) to the top (uses the most).</summary>
    private static readonly string[] s_layers =
    [
        "TsvLive",                  // the options
        "TsvLive.Errors",           // what can go wrong, in words a person understands
        "TsvLive.Limits",           // client addresses, networks, at most N at once per client
        "TsvLive.Operations",       // metrics
        "TsvLive.Logging",
        "TsvLive.Tables.Columns",   // column types and cell values
        "TsvLive.Tables.Text",      // a version's bytes, record index, dialect and format
        "TsvLive.Tables",           // the model: Table, TableVersion, TableContent, reading records
        "TsvLive.Tables.Ingest",    // bytes in, indexed content out
        "TsvLive.Tables.Storage",   // the data directory (or nothing)
        "TsvLive.Tables.Memory",    // the one owner of what versions hold in memory, and its caches
        "TsvLive.Tables.Registry",  // tables by id: loading, catch-up, expiry
        "TsvLive.Tables.Views",     // sort, filter, find, stats
        "TsvLive.Tables.Paging",    // pages of a version or of a view
        "TsvLive.Tables.Changes",   // what changed between two versions: rows matched by key or by a line diff
        "TsvLive.Tables.Export",    // a version or a view written whole as CSV, TSV, JSON or Excel
        "TsvLive.Tables.Uploads",   // creating, replacing and deleting tables
        "TsvLive.Tables.Appends",   // rows appended to a version while people watch
        "TsvLive.Tables.Hosting",   // the tables' services, registered
        "TsvLive.Api",              // the HTTP API and the wire records it shares with the hub
        "TsvLive.Hubs",             // the SignalR hub
        "TsvLive.Cluster",          // Redis: storage, backplane, versions across instances
        "TsvLive.Web",              // the HTTP pipeline: proxy headers, security headers, errors, readiness, the browser app
    ];

    private static readonly IReadOnlyDictionary<(string From, string To), string> s_uses = FolderDependencies.Read();

    [Fact]
    public void EveryFolderOfTheAppHasItsPlaceInTheLayers()
    {
        var folders = s_uses.Keys.SelectMany(k => new[] { k.From, k.To }).Distinct();
        Assert.Empty(folders.Except(s_layers));
    }

    [Fact]
    public void EachFolderUsesOnlyTheFoldersBelowIt()
    {
        var upward = s_uses
            .Where(e => Array.IndexOf(s_layers, e.Key.To) > Array.IndexOf(s_layers, e.Key.From))
            .Select(e => $"{e.Key.From} -> {e.Key.To} ({e.Value})")
            .Order()
            .ToList();
        Assert.Empty(upward);
    }

    [Fact]
    public void NoTwoFoldersUseEachOtherEvenThroughOthers()
    {
        var next = s_uses.Keys.GroupBy(k => k.From).ToDictionary(g => g.Key, g => g.Select(k => k.To).ToList());
        foreach (var start in next.Keys)
        {
            var seen = new HashSet<string>();
            var queue = new Queue<string>(next[start]);
            while (queue.TryDequeue(out var folder))
            {
                Assert.False(folder == start, $"{start} uses itself through {string.Join(", ", seen.Order())}");
                if (seen.Add(folder) && next.TryGetValue(folder, out var further))
                {
                    further.ForEach(queue.Enqueue);
                }
            }
        }
    }

    [Fact]
    public void TheTablesModelAndItsRulesUseNoAspNetCoreHttpTypes()
    {
        var http = FolderDependencies.ExternalUses("Microsoft.AspNetCore")
            .Where(u => u.From.StartsWith("TsvLive.Tables", StringComparison.Ordinal) && u.From != "TsvLive.Tables.Hosting")
            .Select(u => $"{u.From}: {u.Example}")
            .Order()
            .ToList();
        Assert.Empty(http);
    }

    [Fact]
    public void TheReaderSeesARealUseAcrossFolders()
    {
        // The check above is only as good as this reader: a known use must be found.
        Assert.Contains(("TsvLive.Tables.Paging", "TsvLive.Tables.Views"), s_uses.Keys);
        Assert.Contains(("TsvLive.Tables.Memory", "TsvLive.Tables"), s_uses.Keys);
    }
}
