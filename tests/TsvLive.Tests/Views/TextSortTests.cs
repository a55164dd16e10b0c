using System.Net.Http.Json;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>
/// Text columns of printable ASCII take the order straight from their cells (two keys of 18
/// characters, whole texts only where those tie); held to the reference like every other sort.
/// </summary>
public sealed class TextSortTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 2000)]
    public async Task AsciiTextSortsAsTheReferenceDoesAlsoPastItsKeys(int seed, int rows)
    {
        var random = new Random(seed);
        string[] stems = ["Name ", "name ", "a very long shared prefix of text ", "A VERY LONG SHARED PREFIX OF TEXT ", "z", "9 lives", "", "co-op ", "coop ", "https://example.com/a/", "x@y.z "];
        var cells = Enumerable.Range(0, rows).Select(_ => random.Next(8) == 0 ? "" : stems[random.Next(stems.Length)] + random.Next(0, 60)).ToArray();

        await AssertSortsAsTheReferenceAsync(cells);
    }

    [Fact]
    public async Task ManyLongTextsThatTieOnTheirKeysStillSortAsTheReferenceDoes()
    {
        // More rows than are worth reading again: the distinct values are collected instead.
        var cells = Enumerable.Range(0, 60_000).Select(i => $"some note text for row {(i * 7919) % 60_000}").ToArray();

        await AssertSortsAsTheReferenceAsync(cells);
    }

    private async Task AssertSortsAsTheReferenceAsync(string[] cells)
    {
        var file = Tsv.Utf8("text\tn\n" + string.Concat(cells.Select((c, i) => $"{c}\t{i}\n")));
        var created = await factory.CreateTableAsync(file, Ct);
        var rows = cells.Select((c, i) => new[] { c, $"{i}" }).ToArray();
        using var http = factory.CreateHttpClient();
        foreach (var sort in new[] { "1", "1:desc" })
        {
            var expected = ViewReference.RowNumbers(rows, ["text", "integer"], [sort], [], null);
            var got = new List<long>();
            TablePage read;
            var page = 1;
            do
            {
                // Each page within a deadline, and no more pages than the answer says there are: a wrong answer fails, never hangs.
                read = (await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?sort={sort}&page={page}&pageSize=1000", Ct).WithTimeout())!;
                got.AddRange(read.RowNumbers);
            }
            while (page++ < read.TotalPages);
            Assert.True(expected.SequenceEqual(got), $"sort={sort}: first difference at {expected.Zip(got).TakeWhile(p => p.First == p.Second).Count()}");
        }
    }
}
