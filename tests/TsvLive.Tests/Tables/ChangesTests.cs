using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// <c>GET /changes</c> and the hub's <c>GetChanges</c> (contract v2, "Versions and changes"), held to
/// independent references on generated pairs of versions: a dictionary by key for keyed tables, and
/// the longest common subsequence (dynamic programming, O(n·m)) for content diffs.
/// </summary>
public sealed class ChangesTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task RowsMatchedByAKeyAreAddedRemovedOrChangedExactlyAsADictionaryOfKeysSays(int seed)
    {
        var random = new Random(seed);
        var before = KeyedTable(random, rows: 400);
        var after = Edit(random, before, keepKeysUnique: true);
        var (id, _) = await CreateAndReplaceAsync(before, after);

        var changes = await AllChangesAsync(id);

        var (header, oldHeader) = (after[0], before[0]);
        Assert.Equal("key:1", changes.MatchedBy);
        Assert.Equal(header.Except(oldHeader), changes.ColumnsAdded);
        Assert.Equal(oldHeader.Except(header), changes.ColumnsRemoved);
        var oldByKey = before.Skip(1).Select((row, i) => (row, i)).ToDictionary(r => r.row[0], r => (Row: r.row, Number: r.i + 1));
        var newByKey = after.Skip(1).Select((row, i) => (row, i)).ToDictionary(r => r.row[0], r => (Row: r.row, Number: r.i + 1));
        var common = header.Where(oldHeader.Contains).ToList();
        var expected = new List<(string Kind, long? Row, long? OldRow, int[] Columns)>();
        foreach (var (key, now) in newByKey)
        {
            if (!oldByKey.TryGetValue(key, out var was))
            {
                expected.Add(("added", now.Number, null, []));
                continue;
            }
            var changed = common.Where(name => now.Row[Array.IndexOf(header, name)] != was.Row[Array.IndexOf(oldHeader, name)])
                .Select(name => Array.IndexOf(header, name) + 1).ToArray();
            if (changed.Length > 0)
            {
                expected.Add(("changed", now.Number, was.Number, changed));
            }
        }
        expected.AddRange(oldByKey.Where(o => !newByKey.ContainsKey(o.Key)).Select(o => ("removed", (long?)null, (long?)o.Value.Number, Array.Empty<int>())));

        Assert.Equal(
            expected.Select(Describe).Order(StringComparer.Ordinal),
            changes.Rows.Select(r => Describe((r.Kind, r.RowNumber, r.OldRowNumber, r.ChangedColumns.ToArray()))).Order(StringComparer.Ordinal));
        Assert.Equal((expected.Count(e => e.Kind == "added"), expected.Count(e => e.Kind == "removed"), expected.Count(e => e.Kind == "changed")),
            (changes.Added, changes.Removed, changes.Changed));
        AssertInNewOrderWithRemovedWhereTheyWere(changes);
        AssertCellsAreTheVersionsCells(changes, before, after);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task WithoutAKeyRowsAreMatchedInFileOrderAsALongestCommonSubsequenceDoes(int seed)
    {
        var random = new Random(seed);
        // Few distinct values, so rows repeat and no column is a key.
        var before = new List<string[]> { new[] { "city", "kind", "count" } };
        before.AddRange(Enumerable.Range(0, 250).Select(_ => Row(random, distinct: 6)));
        var after = Edit(random, before, keepKeysUnique: false, distinct: 6);
        var (id, _) = await CreateAndReplaceAsync(before, after);

        var changes = await AllChangesAsync(id);

        Assert.Equal("content", changes.MatchedBy);
        var (a, b) = (before.Skip(1).Select(Line).ToList(), after.Skip(1).Select(Line).ToList());
        var common = LongestCommonSubsequence(a, b);
        // Minimal: the rows left unmatched are exactly those outside a longest common subsequence.
        Assert.Equal(a.Count - common, changes.Removed + changes.Changed);
        Assert.Equal(b.Count - common, changes.Added + changes.Changed);
        // Valid: the rows not listed are the same rows, in the same order, in both versions.
        var oldListed = changes.Rows.Where(r => r.OldRowNumber is not null).Select(r => (int)r.OldRowNumber!.Value - 1).ToHashSet();
        var newListed = changes.Rows.Where(r => r.RowNumber is not null).Select(r => (int)r.RowNumber!.Value - 1).ToHashSet();
        Assert.Equal(a.Where((_, i) => !oldListed.Contains(i)), b.Where((_, i) => !newListed.Contains(i)));
        Assert.Equal(common, a.Count - oldListed.Count);
        AssertInNewOrderWithRemovedWhereTheyWere(changes);
        AssertCellsAreTheVersionsCells(changes, before, after);
    }

    [Fact]
    public async Task ABigTableWithAFewRowsChangedInsertedAndDeletedIsDiffedRowForRow()
    {
        // 50,000 unique rows, but no column is unique (no key): the line diff anchors on the rows, whatever the size.
        var before = new List<string[]> { new[] { "hundreds", "ones" } };
        before.AddRange(Enumerable.Range(0, 50_000).Select(i => new[] { $"{i / 100}", $"{i % 100}" }));
        var after = before.Select(r => r).ToList();
        after[101] = ["1", "changed"]; // data row 101 changed
        after.Insert(30_001, ["inserted", "x"]);
        after.RemoveAt(40_001);
        var (id, _) = await CreateAndReplaceAsync(before, after);

        var changes = await AllChangesAsync(id);

        Assert.Equal("content", changes.MatchedBy);
        Assert.Equal((1, 1, 1), (changes.Added, changes.Removed, changes.Changed));
        Assert.Equal([("changed", 101L, 101L), ("added", 30_001L, null), ("removed", null, 40_000L)],
            changes.Rows.Select(r => (r.Kind, r.RowNumber, r.OldRowNumber)));
    }

    [Fact]
    public async Task ATableOfRowsRepeatedOverAndOverIsStillDiffedRowForRow()
    {
        // 300,000 rows, a block of ten repeated: no row is unique (no anchor), and too many edits for Myers'
        // budget on so long a stretch, so both sides are walked together.
        var before = new List<string[]> { new[] { "kind", "n" } };
        before.AddRange(Enumerable.Range(0, 300_000).Select(i => new[] { $"k{i % 10}", $"{i % 5}" }));
        var after = before.Select((r, i) => i > 0 && i % 500 == 0 ? [r[0], "edited"] : r).ToList();
        after.Insert(150_001, ["inserted", "x"]);
        after.RemoveAt(200_003); // data row 200,002 (shifted by the one inserted)
        var (id, _) = await CreateAndReplaceAsync(before, after);
        using var http = factory.CreateHttpClient();

        var changes = (await http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{id}/changes?pageSize=1000", Ct))!;

        Assert.Equal("content", changes.MatchedBy);
        Assert.Equal((1, 1, 600), (changes.Added, changes.Removed, changes.Changed));
        Assert.All(changes.Rows.Where(r => r.Kind == "changed"), r =>
        {
            Assert.Equal("edited", r.Cells[1]);
            Assert.Equal([2], r.ChangedColumns);
        });
        Assert.Contains(changes.Rows, r => (r.Kind, r.RowNumber) == ("added", 150_001L));
        Assert.Contains(changes.Rows, r => (r.Kind, r.OldRowNumber) == ("removed", 200_002L));
    }

    [Fact]
    public async Task PagesOfChangesAddUpAndTheHubGivesWhatHttpGives()
    {
        var before = KeyedTable(new Random(7), rows: 300);
        var after = Edit(new Random(8), before, keepKeysUnique: true);
        var (id, _) = await CreateAndReplaceAsync(before, after);
        using var http = factory.CreateHttpClient();

        var all = await AllChangesAsync(id);
        var pages = new List<ChangedRowInfo>();
        for (var page = 1; ; page++)
        {
            var one = (await http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{id}/changes?from=1&to=2&page={page}&pageSize=7", Ct))!;
            Assert.Equal((all.TotalRows, (all.TotalRows + 6) / 7, 7), (one.TotalRows, one.TotalPages, one.PageSize));
            if (one.Rows.Count == 0)
            {
                Assert.Equal(one.TotalPages + 1, page);
                break;
            }
            pages.AddRange(one.Rows);
        }
        Assert.Equal(Json(all.Rows), Json(pages));

        await using var hub = await factory.ConnectHubAsync(Ct);
        var overHub = await hub.InvokeAsync<TableChangesPage>("GetChanges", id, new ChangesRequest(Page: 2, PageSize: 7), Ct);
        var overHttp = await http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{id}/changes?page=2&pageSize=7", Ct);
        Assert.Equal(Json(overHttp), Json(overHub));
        Assert.Equal(7, overHub.Rows.Count);
    }

    [Fact]
    public async Task TheSameTextInWindows1252AndInUtf8IsNoChange()
    {
        var text = "name\tplace\n1\tcafé\n2\t€5\n";
        var created = await factory.CreateTableAsync(CodePages1252(text), Ct);
        using var http = factory.CreateHttpClient();
        await ReplaceAsync(http, created.Id, created.EditKey, Encoding.UTF8.GetBytes(text.Replace("2\t€5", "2\t€6", StringComparison.Ordinal)));

        var changes = (await http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{created.Id}/changes", Ct))!;

        var row = Assert.Single(changes.Rows);
        Assert.Equal(("changed", "€6", "€5"), (row.Kind, row.Cells[1], row.OldCells![1]));
    }

    [Fact]
    public async Task UnkeptVersionsAndBadPagesAreProblemsThatSayWhy()
    {
        var created = await factory.CreateTableAsync(Tsv.Numbered(10), Ct);
        using var http = factory.CreateHttpClient();
        var alone = await (await http.GetAsync($"/api/tables/{created.Id}/changes", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "version-not-found");
        Assert.Contains("no version 0", alone.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ReplaceAsync(http, created.Id, created.EditKey, Tsv.Numbered(11));

        await (await http.GetAsync($"/api/tables/{created.Id}/changes?from=5", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "version-not-found");
        await (await http.GetAsync($"/api/tables/{created.Id}/changes?page=0", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, code: "invalid-page-request");
        await (await http.GetAsync($"/api/tables/{created.Id}/changes?pageSize=5000", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct, code: "invalid-page-request");
        await (await http.GetAsync($"/api/tables/{created.Id}/changes?from=x", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, Ct);
        await (await http.GetAsync("/api/tables/nosuchtablenosuchtable00/changes", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct, code: "table-not-found");
        await using var hub = await factory.ConnectHubAsync(Ct);
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<TableChangesPage>("GetChanges", created.Id, new ChangesRequest(From: 9), Ct));
        Assert.Contains("keeps versions 1 to 2", error.Message, StringComparison.Ordinal);

        // Any two kept versions, either way round; a version with itself has no changes.
        var backwards = (await http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{created.Id}/changes?from=2&to=1", Ct))!;
        Assert.Equal((0, 1, 0), (backwards.Added, backwards.Removed, backwards.Changed));
        var same = (await http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{created.Id}/changes?from=2&to=2", Ct))!;
        Assert.Equal((0, 1, 1), (same.TotalRows, same.TotalPages, same.Page));
    }

    /// <summary>Every difference appears in the new version's order; a removed row stands before the first row that came after it.</summary>
    private static void AssertInNewOrderWithRemovedWhereTheyWere(TableChangesPage changes)
    {
        var newNumbers = changes.Rows.Where(r => r.RowNumber is not null).Select(r => r.RowNumber!.Value).ToList();
        Assert.Equal(newNumbers.Order(), newNumbers);
        var removed = changes.Rows.Where(r => r.Kind == "removed").Select(r => r.OldRowNumber!.Value).ToList();
        Assert.Equal(removed.Order(), removed);
    }

    private static void AssertCellsAreTheVersionsCells(TableChangesPage changes, List<string[]> before, List<string[]> after)
    {
        foreach (var row in changes.Rows)
        {
            if (row.RowNumber is { } n)
            {
                Assert.Equal(after[(int)n], row.Cells);
            }
            if (row.OldRowNumber is { } o)
            {
                Assert.Equal(before[(int)o], row.OldCells);
                if (row.Kind == "removed")
                {
                    Assert.Equal(before[(int)o], row.Cells);
                }
            }
            else
            {
                Assert.Null(row.OldCells);
            }
        }
    }

    private async Task<(string Id, string EditKey)> CreateAndReplaceAsync(List<string[]> before, List<string[]> after)
    {
        var created = await factory.CreateTableAsync(Bytes(before), Ct);
        using var http = factory.CreateHttpClient();
        await ReplaceAsync(http, created.Id, created.EditKey, Bytes(after));
        return (created.Id, created.EditKey);
    }

    private static async Task ReplaceAsync(HttpClient http, string id, string editKey, byte[] bytes)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tables/{id}") { Content = new ByteArrayContent(bytes) };
        put.Headers.Add("X-Edit-Key", editKey);
        (await http.SendAsync(put, Ct)).EnsureSuccessStatusCode();
    }

    /// <summary>All the changes between versions 1 and 2 on one page (as many as a page may hold).</summary>
    private async Task<TableChangesPage> AllChangesAsync(string id)
    {
        using var http = factory.CreateHttpClient();
        var changes = (await http.GetFromJsonAsync<TableChangesPage>($"/api/tables/{id}/changes?pageSize=1000", Ct))!;
        Assert.Equal((1, 2), (changes.From, changes.To));
        Assert.True(changes.TotalRows <= 1000, $"{changes.TotalRows} changes: more than one page");
        return changes;
    }

    /// <summary>A header and rows whose first column ("id") is unique.</summary>
    private static List<string[]> KeyedTable(Random random, int rows)
    {
        var table = new List<string[]> { new[] { "id", "name", "score", "note" } };
        table.AddRange(Enumerable.Range(1, rows).Select(i => new[] { $"k{i}", $"name {random.Next(50)}", $"{random.Next(1000)}", random.Next(4) == 0 ? "" : $"n{random.Next(9)}" }));
        return table;
    }

    private static string[] Row(Random random, int distinct) => [$"c{random.Next(distinct)}", $"k{random.Next(2)}", $"{random.Next(3)}"];

    /// <summary>
    /// Random edits: cells changed, rows inserted, deleted, moved and duplicated, and now and then a
    /// column added or removed (the first column stays).
    /// </summary>
    private static List<string[]> Edit(Random random, List<string[]> table, bool keepKeysUnique, int distinct = 50)
    {
        var header = table[0].ToList();
        var rows = table.Skip(1).Select(r => r.ToList()).ToList();
        var next = 100_000;
        for (var n = random.Next(5, 40); n > 0; n--)
        {
            switch (random.Next(6))
            {
                case 0 or 1 when rows.Count > 0:
                    var row = rows[random.Next(rows.Count)];
                    row[random.Next(1, row.Count)] = $"edit {random.Next(1000)}";
                    break;
                case 2:
                    var inserted = keepKeysUnique
                        ? new List<string> { $"k{next++}" }.Concat(Enumerable.Range(1, header.Count - 1).Select(i => $"new {random.Next(100)}")).ToList()
                        : [.. Row(random, distinct)];
                    rows.Insert(random.Next(rows.Count + 1), inserted);
                    break;
                case 3 when rows.Count > 0:
                    rows.RemoveAt(random.Next(rows.Count));
                    break;
                case 4 when rows.Count > 1:
                    var moved = rows[random.Next(rows.Count)];
                    rows.Remove(moved);
                    rows.Insert(random.Next(rows.Count + 1), moved);
                    break;
                case 5 when !keepKeysUnique && rows.Count > 0:
                    rows.Insert(random.Next(rows.Count + 1), [.. rows[random.Next(rows.Count)]]);
                    break;
            }
        }
        if (keepKeysUnique && random.Next(3) == 0)
        {
            // A column removed and another added.
            var gone = random.Next(1, header.Count);
            header.RemoveAt(gone);
            header.Add("added");
            foreach (var row in rows)
            {
                row.RemoveAt(gone);
                row.Add($"a{random.Next(10)}");
            }
        }
        return [[.. header], .. rows.Select(r => r.ToArray())];
    }

    private static int LongestCommonSubsequence(List<string> a, List<string> b)
    {
        var lengths = new int[a.Count + 1, b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
            {
                lengths[i, j] = a[i - 1] == b[j - 1] ? lengths[i - 1, j - 1] + 1 : Math.Max(lengths[i - 1, j], lengths[i, j - 1]);
            }
        }
        return lengths[a.Count, b.Count];
    }

    private static string Line(string[] row) => string.Join('\t', row);

    private static byte[] Bytes(List<string[]> table) => Encoding.UTF8.GetBytes(string.Concat(table.Select(r => Line(r) + "\n")));

    private static string Describe((string Kind, long? Row, long? OldRow, int[] Columns) change) =>
        $"{change.Kind} {change.Row} {change.OldRow} [{string.Join(',', change.Columns)}]";

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);

    /// <summary>The text as Windows-1252 bytes (é is 0xE9, € is 0x80), written out by hand: no code page provider needed.</summary>
    private static byte[] CodePages1252(string text) =>
        [.. text.Select(c => c switch { 'é' => (byte)0xE9, '€' => (byte)0x80, _ => (byte)c })];
}
