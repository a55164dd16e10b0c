using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TsvLive.Tables.Text;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Views;

/// <summary>
/// Find searches a version's bytes segment by segment (16 KB, then 32 KB, …): a text is found
/// wherever it starts, the last bytes of a segment included, whatever its length.
/// </summary>
public sealed class FindAcrossSegmentsTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("xy")]
    [InlineData("xyz")]
    [InlineData("needle")]
    public async Task ATextStartingAtAnyOfTheLastBytesOfASegmentIsFound(string text)
    {
        // The first segments end at 16 KB and 48 KB; in each table the text starts the same number
        // of bytes before both ends, from its own length before them up to the ends themselves.
        long[] ends = [ByteSegments.MinSegmentSize, ByteSegments.MinSegmentSize * 3L];
        using var http = factory.CreateHttpClient();
        for (var back = 0; back <= text.Length; back++)
        {
            var (file, rowsWithText) = FileWithTextAt(text, [.. ends.Select(end => end - back)]);
            var created = await factory.CreateTableAsync(file, Ct);

            var page = await http.GetFromJsonAsync<JsonElement>($"/api/tables/{created.Id}/rows?q={text.ToUpperInvariant()}&pageSize=1000", Ct);

            Assert.Equal(rowsWithText, page.GetProperty("rowNumbers").EnumerateArray().Select(n => n.GetInt64()));
        }
    }

    /// <summary>A one-column file of filler rows and rows holding the text so that it starts at each of <paramref name="starts"/> (byte offsets).</summary>
    private static (byte[] File, List<long> Rows) FileWithTextAt(string text, List<long> starts)
    {
        var file = new StringBuilder("cell\n");
        var rows = new List<long>();
        long row = 0;
        foreach (var start in starts.Order())
        {
            // Filler rows of 100 bytes until the text's row can start just before its offset.
            while (start - file.Length > 200)
            {
                file.Append('f', 99).Append('\n');
                row++;
            }
            file.Append('f', (int)(start - file.Length)).Append(text).Append('\n');
            rows.Add(++row);
        }
        file.Append('f', 99).Append('\n');
        return (Encoding.ASCII.GetBytes(file.ToString()), rows);
    }
}
