using System.Text;
using TsvLive.Errors;
using TsvLive.Tables;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Text;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

public class TsvIngestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task EveryLineEndingEndsARecord(string lineEnd)
    {
        var content = await IngestAsync(Tsv.Utf8($"a\tb{lineEnd}1\t2{lineEnd}3\t4{lineEnd}"));

        Assert.Equal(["a", "b"], content.Columns);
        Assert.Equal([["1", "2"], ["3", "4"]], AllRows(content));
    }

    [Fact]
    public async Task TheLastRecordNeedsNoLineBreak()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n1\t2\n3\t4"));

        Assert.Equal([["1", "2"], ["3", "4"]], AllRows(content));
    }

    [Fact]
    public async Task QuotedFieldsKeepTabsLineBreaksAndDoubledQuotes()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n\"x\ty\"\t\"line 1\r\nline 2\"\n\"say \"\"hi\"\"\"\tplain\n"));

        Assert.Equal(Dialect.Quoted, content.Dialect);
        Assert.Equal([["x\ty", "line 1\r\nline 2"], ["say \"hi\"", "plain"]], AllRows(content));
    }

    [Fact]
    public async Task AQuoteInsideAnUnquotedFieldIsOrdinaryText()
    {
        var content = await IngestAsync(Tsv.Utf8("size\tname\n5\"\t\"quoted\"\n"));

        Assert.Equal(Dialect.Quoted, content.Dialect);
        Assert.Equal([["5\"", "quoted"]], AllRows(content));
    }

    [Fact]
    public async Task AnUnterminatedQuoteMakesTheFilePlainSoNoRecordIsSwallowed()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n\"open\t1\n2\t3\n4\t5\n"));

        Assert.Equal(Dialect.Plain, content.Dialect);
        Assert.Equal([["\"open", "1"], ["2", "3"], ["4", "5"]], AllRows(content));
    }

    [Fact]
    public async Task TextAfterAClosingQuoteMakesTheFilePlainAndKeepsEveryQuote()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n\"ab\"c\t1\n\"x\"\t2\n"));

        Assert.Equal(Dialect.Plain, content.Dialect);
        Assert.Equal([["\"ab\"c", "1"], ["\"x\"", "2"]], AllRows(content));
    }

    [Fact]
    public async Task ColumnNamesFollowTheDialectEvenWhenItChangesLateAndTheWidthStaysTheSame()
    {
        await using var ingest = new TableIngest(new TsvLiveOptions { MaxUploadBytes = 1L << 30, MaxRecordBytes = 1 << 20 });
        ingest.Append(Tsv.Utf8("\"a\"\tb\n" + string.Concat(Enumerable.Repeat("1\t2\n", 100)))); // past encoding detection (256 bytes)
        var early = await WaitUntilAsync(() => ingest.Latest, c => c.RowCount > 0);
        Assert.Equal(["a", "b"], early.Columns);

        ingest.Append(Tsv.Utf8("\"never closed\t3\n"));
        var content = await ingest.CompleteAsync(Ct);

        Assert.Equal(Dialect.Plain, content.Dialect);
        Assert.Equal(["\"a\"", "b"], content.Columns);
    }

    [Fact]
    public async Task ShortRecordsArePaddedWithEmptyFields()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\tc\n1\n1\t2\n"));

        Assert.Equal([["1", "", ""], ["1", "2", ""]], AllRows(content));
    }

    [Fact]
    public async Task LongRecordsWidenTheTableWithNumberedColumns()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n1\t2\n1\t2\t3\t4\n"));

        Assert.Equal(["a", "b", "Column 3", "Column 4"], content.Columns);
        Assert.Equal([["1", "2", "", ""], ["1", "2", "3", "4"]], AllRows(content));
    }

    [Fact]
    public async Task AnEmptyHeaderNameIsNamedByItsPosition()
    {
        var content = await IngestAsync(Tsv.Utf8("a\t\tc\n1\t2\t3\n"));

        Assert.Equal(["a", "Column 2", "c"], content.Columns);
    }

    [Fact]
    public async Task BlankLinesAreNotRecords()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n\n1\t2\n\n\n3\t4\n\n"));

        Assert.Equal([["1", "2"], ["3", "4"]], AllRows(content));
    }

    [Fact]
    public async Task AHeaderOnlyFileIsATableWithoutRows()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n"));

        Assert.Equal(["a", "b"], content.Columns);
        Assert.Equal(0, content.RowCount);
        Assert.True(content.Complete);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n\r\n")]
    public async Task AFileWithoutAHeaderIsRejected(string text)
    {
        var e = await Assert.ThrowsAsync<InvalidUploadException>(() => IngestAsync(Tsv.Utf8(text)));

        Assert.Contains("header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUtf8ByteOrderMarkIsNotPartOfTheFirstColumnName()
    {
        var content = await IngestAsync([0xEF, 0xBB, 0xBF, .. Tsv.Utf8("név\tváros\nÁrpád\tGyőr\n")]);

        Assert.Equal(["név", "város"], content.Columns);
        Assert.Equal([["Árpád", "Győr"]], AllRows(content));
        Assert.Equal(Encoding.UTF8, content.TextEncoding);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    public async Task UnicodeWithAByteOrderMarkIsDecoded(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var bytes = (byte[])[.. encoding.GetPreamble(), .. encoding.GetBytes("名前\t都市\r\n\"東京\t駅\"\t🚉\r\n")];

        var content = await IngestAsync(bytes, chunkSize: 3);

        Assert.Equal(["名前", "都市"], content.Columns);
        Assert.Equal([["東京\t駅", "🚉"]], AllRows(content));
        Assert.Equal(bytes.Length, content.SizeBytes);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public async Task Utf16WithoutAByteOrderMarkIsRecognisedByItsZeroBytes(string encodingName)
    {
        var bytes = Encoding.GetEncoding(encodingName).GetBytes("name\tcity\r\nZoë\tKöln\r\nAnn\tOslo\r\n");

        var content = await IngestAsync(bytes, chunkSize: 7);

        Assert.Equal(["name", "city"], content.Columns);
        Assert.Equal([["Zoë", "Köln"], ["Ann", "Oslo"]], AllRows(content));
    }

    [Fact]
    public async Task AFileThatIsNotValidUtf8IsReadAsWindows1252()
    {
        // "café" and "€5" as Windows-1252: 0xE9 and 0x80 are not valid UTF-8 on their own.
        byte[] bytes = [.. Tsv.Utf8("name\tprice\ncaf"), 0xE9, (byte)'\t', 0x80, (byte)'5', (byte)'\n'];

        var content = await IngestAsync(bytes);

        Assert.Equal([["café", "€5"]], AllRows(content));
    }

    [Fact]
    public async Task OneInvalidByteLateInTheFileDecidesTheEncodingOfTheWholeFile()
    {
        var text = new StringBuilder("name\tcity\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append("row").Append(i).Append("\tplain ascii\n");
        }
        byte[] bytes = [.. Tsv.Utf8(text.ToString()), .. Tsv.Utf8("last\t"), 0xFC, (byte)'\n'];

        var content = await IngestAsync(bytes, chunkSize: 4096);

        Assert.Equal(["last", "ü"], AllRows(content)[^1]);
        Assert.Equal(5001, content.RowCount);
    }

    [Fact]
    public async Task MultiByteCharactersSplitAcrossChunksStayUtf8()
    {
        var content = await IngestAsync(Tsv.Utf8("a\tb\n€\t😀\n"), chunkSize: 1);

        Assert.Equal([["€", "😀"]], AllRows(content));
        Assert.Equal(Encoding.UTF8, content.TextEncoding);
    }

    [Fact]
    public async Task NullBytesInUtf8TextAreRejectedAsNotText()
    {
        var e = await Assert.ThrowsAsync<InvalidUploadException>(() => IngestAsync([.. Tsv.Utf8("a\tb\n1"), 0, (byte)'\n']));

        Assert.Equal("Not a text file", e.Title);
    }

    [Fact]
    public async Task APngIsRejectedAsNotText()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

        var e = await Assert.ThrowsAsync<InvalidUploadException>(() => IngestAsync(png));

        Assert.Contains("PNG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARecordOverTheRecordSizeLimitIsRefusedWithoutReadingOn()
    {
        await using var ingest = new TableIngest(new TsvLiveOptions { MaxUploadBytes = 1L << 30, MaxRecordBytes = 4096 });
        var chunks = Tsv.Chunks(Tsv.Utf8("a\tb\n\"" + new string('x', 32 << 20) + "\n"), 64 * 1024).ToList();

        // The first chunk already holds more of the open record than the limit: the indexer refuses it,
        // and the upload itself stops there (that Append throws, when the indexer was quick enough, or
        // the next one) with the rest of the file still to come.
        InvalidUploadException e;
        try
        {
            ingest.Append(chunks[0]);
            e = await RefusalOfTheNextAppendAsync(ingest);
        }
        catch (InvalidUploadException refusedAtOnce)
        {
            e = refusedAtOnce;
        }

        Assert.Equal("A record is too large", e.Title);
        Assert.Contains("limit of 4 KiB per record", e.Message, StringComparison.Ordinal);
        Assert.Equal(chunks[0].Length, ingest.BytesReceived);
    }

    /// <summary>Appends nothing, again and again, until the indexer's refusal surfaces (within a generous deadline).</summary>
    private static async Task<InvalidUploadException> RefusalOfTheNextAppendAsync(TableIngest ingest)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                ingest.Append([]);
            }
            catch (InvalidUploadException e)
            {
                return e;
            }
            await Task.Delay(10, deadline.Token);
        }
    }

    [Fact]
    public async Task AFileOverTheLimitIsRefused()
    {
        await Assert.ThrowsAsync<UploadTooLargeException>(() => IngestAsync(Tsv.Numbered(100), maxBytes: 200));
    }

    [Fact]
    public async Task RowsCanBeReadWhileTheFileIsStillArriving()
    {
        await using var ingest = new TableIngest(new TsvLiveOptions { MaxUploadBytes = 1 << 20, MaxRecordBytes = 1 << 20 });
        var bytes = Tsv.Numbered(1000);
        ingest.Append(bytes.AsSpan(0, bytes.Length / 2));

        var partial = await WaitUntilAsync(() => ingest.Latest, c => c.RowCount > 100);

        Assert.False(partial.Complete);
        Assert.Equal(["1", "row 1", "10"], TableRecords.Rows(partial, 0, 1).First());
        ingest.Append(bytes.AsSpan(bytes.Length / 2));
        var complete = await ingest.CompleteAsync(Ct);
        Assert.True(complete.Complete);
        Assert.Equal(1000, complete.RowCount);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(15, 1)]
    [InlineData(16, 16)]
    [InlineData(17, 100)]
    [InlineData(990, 1000)]
    [InlineData(4095, 7)]
    public async Task AnyRangeOfRowsReadsTheRightRecords(int first, int count)
    {
        var content = await IngestAsync(Tsv.Numbered(5000), chunkSize: 65536);

        var rows = TableRecords.Rows(content, first, count).ToArray();

        Assert.Equal(Math.Min(count, 5000 - first), rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal([$"{first + i + 1}", $"row {first + i + 1}", $"{(first + i + 1) * 10}"], rows[i]);
        }
    }

    [Fact]
    public async Task QuotedRecordsSpanningLinesAreFoundAtTheirStart()
    {
        var text = new StringBuilder("k\tv\n");
        for (var i = 0; i < 100; i++)
        {
            text.Append(i).Append("\t\"multi\nline ").Append(i).Append("\"\n");
        }

        var content = await IngestAsync(Tsv.Utf8(text.ToString()), chunkSize: 13);

        Assert.Equal(100, content.RowCount);
        Assert.Equal(["37", "multi\nline 37"], TableRecords.Rows(content, 37, 1).First());
    }

    internal static async Task<TableContent> IngestAsync(byte[] bytes, int chunkSize = 5, long maxBytes = 1L << 30)
    {
        var ingest = new TableIngest(new TsvLiveOptions { MaxUploadBytes = maxBytes, MaxRecordBytes = 1 << 20 });
        await using (ingest)
        {
            foreach (var chunk in Tsv.Chunks(bytes, chunkSize))
            {
                ingest.Append(chunk);
            }
            return await ingest.CompleteAsync(Ct);
        }
    }

    private static string[][] AllRows(TableContent content) => TableRecords.Rows(content, 0, (int)content.RowCount).ToArray();

    private static async Task<T> WaitUntilAsync<T>(Func<T> read, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(Timeouts.Default);
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }
            await Task.Delay(10, timeout.Token);
        }
    }
}
