using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>The view examples of docs/api.md, run against the example table the page shows, give the rows it says.</summary>
public sealed class ApiDocExamplesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryViewExampleOfTheApiDocGivesTheRowsItSays()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "api.md"), Ct);
        var table = Regex.Match(doc, "```tsv\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var examples = Regex.Matches(doc, @"^- `(\?[^`]+)` → (.+)$", RegexOptions.Multiline);
        Assert.Contains("\t", table, StringComparison.Ordinal);
        Assert.True(examples.Count >= 5);
        await using var app = new TsvLiveFactory();
        var created = await app.CreateTableAsync(Tsv.Utf8(table), Ct, "people.tsv");
        using var http = app.CreateHttpClient();

        foreach (Match example in examples)
        {
            var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows{example.Groups[1].Value}", Ct);
            Assert.Equal(example.Groups[2].Value.Split(", "), page!.Rows.Select(r => r[0]));
        }
    }
}
