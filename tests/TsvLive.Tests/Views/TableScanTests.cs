using System.Text;
using TsvLive.Tables;
using TsvLive.Tables.Views;
using TsvLive.Tests.Tables;

namespace TsvLive.Tests.Views;

/// <summary>
/// A scan in parts (one per core, for the views' cold work) visits every record exactly once, with
/// the same cells as a scan in file order, however many parts and whatever the records hold.
/// </summary>
public sealed class TableScanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryRecordIsVisitedOnceWithTheCellsOfAScanInFileOrder(bool brokenQuote)
    {
        var content = await TsvIngestTests.IngestAsync(File(rows: 20_000, brokenQuote), chunkSize: 64 * 1024);
        var expected = Cells(content, (visit, ct) => TableScan.ForEach(content, visit, ct));

        foreach (var parts in new[] { 1, 2, 3, 7, 5_000 })
        {
            var visits = new int[content.RowCount];
            var cells = Cells(content, (visit, ct) => TableScan.ForEachInParts(content, parts, (row, reader) =>
            {
                Interlocked.Increment(ref visits[row]);
                visit(row, reader);
            }, ct));

            Assert.All(visits, count => Assert.Equal(1, count));
            Assert.Equal(expected, cells);
        }
    }

    [Fact]
    public async Task ACancelledScanInPartsEndsAsCancelledNotAsAnAggregate()
    {
        var content = await TsvIngestTests.IngestAsync(File(rows: 20_000, brokenQuote: false), chunkSize: 64 * 1024);
        using var cancel = new CancellationTokenSource();
        var visited = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => TableScan.ForEachInParts(content, 2, (_, _) =>
        {
            if (Interlocked.Increment(ref visited) == 5_000)
            {
                cancel.Cancel();
            }
        }, cancel.Token));
        Assert.InRange(visited, 5_000, 19_999);
    }

    /// <summary>Rows with quoted cells holding tabs and line breaks (and, when asked, one quote that never closes: the plain dialect).</summary>
    private static byte[] File(int rows, bool brokenQuote)
    {
        var text = new StringBuilder("id\tnote\tamount\n");
        for (var i = 0; i < rows; i++)
        {
            var note = i % 7 == 0 ? $"\"quoted\tnote\r\nof {i}\"" : $"note {i}";
            if (brokenQuote && i == rows / 3)
            {
                note = "\"never closed";
            }
            text.Append(i).Append('\t').Append(note).Append('\t').Append(i * 0.5).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Each row's cells as text, gathered by the given scan.</summary>
    private static string[] Cells(TableContent content, Action<Action<int, CsvHelper.CsvReader>, CancellationToken> scan)
    {
        var cells = new string[content.RowCount];
        scan((row, reader) => cells[row] = string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Encoding.UTF8.GetString(TableScan.Cell(reader, i)))), Ct);
        return cells;
    }
}
