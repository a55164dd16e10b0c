using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Export (contract v2, "Export"): every format read back by an independent reader (CsvHelper, the
/// JSON parser, the Open XML SDK) equals the table or the view, as pages show it.
/// </summary>
public sealed class ExportTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    /// <summary>
    /// Quotes, tabs and line breaks inside cells, letters beyond ASCII, types of every kind, empty cells
    /// and would-be formulas; numbers and booleans written the way a spreadsheet writes them back.
    /// </summary>
    private static readonly byte[] s_table = Tsv.Utf8(
        "name\tamount\twhen\tok\tnote\n" +
        "Ann\t12.5\t2024-03-01\ttrue\t\"say \"\"hi\"\"\tthen\nleave\"\n" +
        "Bø, Çé\t-3\t2024-03-02 10:30:00\tfalse\t=1+2\n" +
        "Cy\t\t\t\t@SUM(A1)\n" +
        "Dee\t1000\t2023-12-31\ttrue\t-x\n" +
        "Eve\t7\t2024-01-15\tfalse\t+1\n");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("csv")]
    [InlineData("tsv")]
    [InlineData("json")]
    [InlineData("xlsx")]
    public async Task EachFormatReadBackByAnotherReaderIsTheTableWithFormulasKept(string format)
    {
        var table = await factory.CreateTableAsync(s_table, Ct, "mixed.tsv");
        var expected = await PageAsync(table.Id, "");

        var (columns, rows) = await ExportAsync(table.Id, $"format={format}&formulas=keep", format);

        Assert.Equal(expected.Columns, columns);
        Assert.Equal(expected.Rows, rows);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("tsv")]
    [InlineData("json")]
    [InlineData("xlsx")]
    public async Task AViewIsExportedWholeInItsOrder(string format)
    {
        var table = await factory.CreateTableAsync(Tsv.Numbered(5000), Ct, "numbers.tsv");
        const string View = "sort=3:desc&filter=1:gt:100&q=row 2";
        var expected = await PageAsync(table.Id, View, pages: true);

        var (columns, rows) = await ExportAsync(table.Id, $"format={format}&{View}", format);

        Assert.Equal(expected.Columns, columns);
        Assert.Equal(expected.Rows, rows);
        Assert.True(rows.Count > 1000, $"{rows.Count} rows: the view spans several pages");
    }

    [Fact]
    public async Task ASortedViewLargerThanABatchComesOutWholeWithLineBreaksInCellsAHugeCellAndNoFinalLineEnd()
    {
        // 60,000 records in several 1 MiB batches, some with line breaks inside quotes, one cell larger
        // than a batch, and the last record without a line end.
        const int Rows = 60_000;
        var huge = new string('h', 1_500_000);
        var file = new StringBuilder("key\ttext\n");
        var expected = new List<string[]>();
        for (var i = 0; i < Rows; i++)
        {
            var key = (i * 7919L % Rows).ToString(CultureInfo.InvariantCulture);
            var text = i == 777 ? huge : i % 100 == 0 ? $"line one {i}\nline two" : $"value {i}";
            file.Append(key).Append('\t').Append(text.Contains('\n', StringComparison.Ordinal) ? $"\"{text}\"" : text);
            if (i < Rows - 1)
            {
                file.Append('\n');
            }
            expected.Add([key, text]);
        }
        var table = await factory.CreateTableAsync(Tsv.Utf8(file.ToString()), Ct, "batches.tsv");

        var (columns, rows) = await ExportAsync(table.Id, "format=tsv&sort=1:desc", "tsv");

        Assert.Equal(["key", "text"], columns);
        Assert.Equal(expected.OrderByDescending(r => int.Parse(r[0], CultureInfo.InvariantCulture)).ToList(), rows);
    }

    [Theory]
    [InlineData("csv", true)]
    [InlineData("xlsx", true)]
    [InlineData("tsv", false)]
    [InlineData("json", false)]
    public async Task CellsASpreadsheetWouldRunAsFormulasGetALeadingQuoteInCsvAndExcel(string format, bool guarded)
    {
        var table = await factory.CreateTableAsync(s_table, Ct, "mixed.tsv");

        var (_, rows) = await ExportAsync(table.Id, $"format={format}", format);

        var notes = rows.Select(r => r[4]).ToArray();
        var escape = guarded ? "'" : "";
        Assert.Equal(["say \"hi\"\tthen\nleave", escape + "=1+2", escape + "@SUM(A1)", escape + "-x", escape + "+1"], notes);
        // Numbers starting with '-' stay numbers.
        Assert.Equal("-3", rows[1][1]);
    }

    [Fact]
    public async Task TheWorkbookHasAFrozenHeaderNumbersAsNumbersDatesAsDatesAndLongIdsAsText()
    {
        var table = await factory.CreateTableAsync(Tsv.Utf8("id\tprice\tday\n12345678901234567\t2.5\t2024-03-01\n7\t-1\t2024-03-02\n"), Ct, "typed.tsv");
        using var http = factory.CreateHttpClient();

        await using var file = await http.GetStreamAsync($"/api/tables/{table.Id}/export?format=xlsx", Ct);
        using var copy = new MemoryStream();
        await file.CopyToAsync(copy, Ct);
        using var workbook = SpreadsheetDocument.Open(copy, false);
        var part = workbook.WorkbookPart!;
        var sheet = part.WorksheetParts.Single().Worksheet;

        var pane = sheet.Descendants<Pane>().Single();
        Assert.Equal((PaneStateValues.Frozen, 1.0), (pane.State!.Value, pane.VerticalSplit!.Value));
        var cells = sheet.Descendants<Row>().Skip(1).First().Elements<Cell>().ToArray();
        Assert.NotEqual(CellValues.Number, cells[0].DataType?.Value ?? CellValues.Number); // 17 digits: kept as text
        Assert.Null(cells[1].DataType);
        Assert.Equal("2.5", cells[1].CellValue!.Text);
        Assert.Null(cells[2].DataType);
        Assert.Equal(new DateTime(2024, 3, 1).ToOADate().ToString(CultureInfo.InvariantCulture), cells[2].CellValue!.Text);
        var format = (CellFormat)part.WorkbookStylesPart!.Stylesheet.CellFormats!.ElementAt((int)cells[2].StyleIndex!.Value);
        var numberFormat = part.WorkbookStylesPart.Stylesheet.NumberingFormats!.Elements<NumberingFormat>().Single(f => f.NumberFormatId!.Value == format.NumberFormatId!.Value);
        Assert.Equal("yyyy-mm-dd", numberFormat.FormatCode!.Value);
    }

    [Fact]
    public async Task TheExportIsAnAttachmentNamedAfterTheTableInUtf8AlsoForAWindows1252File()
    {
        var table = await factory.CreateTableAsync(Encoding.Latin1.GetBytes("Stadt\tPreis\nKöln\t1\n"), Ct, "Preise.txt");
        using var http = factory.CreateHttpClient();

        using var response = await http.GetAsync($"/api/tables/{table.Id}/export?format=csv", Ct);

        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("Preise.csv", response.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal("\uFEFFStadt,Preis\r\nKöln,1\r\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task AViewTooLargeForAnExcelSheetIsRefusedBeforeAnythingIsSentAndASmallerOneIsNot()
    {
        var rows = 1_048_576; // one more than a sheet holds below its header
        var file = new StringBuilder("n\n");
        for (var i = 0; i < rows; i++)
        {
            file.Append(i % 10).Append('\n');
        }
        var table = await factory.CreateTableAsync(Tsv.Utf8(file.ToString()), Ct, "tall.tsv");
        using var http = factory.CreateHttpClient();

        var problem = await (await http.GetAsync($"/api/tables/{table.Id}/export?format=xlsx", Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, Ct, "export-too-large");
        Assert.Contains("1,048,575", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var filtered = await http.GetAsync($"/api/tables/{table.Id}/export?format=xlsx&filter=1:eq:3", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
    }

    [Theory]
    [InlineData("format=pdf", HttpStatusCode.BadRequest, "invalid-format")]
    [InlineData("", HttpStatusCode.BadRequest, "invalid-format")]
    [InlineData("format=csv&formulas=run", HttpStatusCode.BadRequest, "invalid-formulas")]
    [InlineData("format=csv&sort=9", HttpStatusCode.BadRequest, "invalid-page-request")]
    public async Task ABadExportRequestIsAProblemThatSaysWhy(string query, HttpStatusCode status, string code)
    {
        var table = await factory.CreateTableAsync(s_table, Ct, "mixed.tsv");
        using var http = factory.CreateHttpClient();

        await (await http.GetAsync($"/api/tables/{table.Id}/export?{query}", Ct)).AssertProblemAsync(status, Ct, code);
        await (await http.GetAsync("/api/tables/AAAAAAAAAAAAAAAAAAAAAA/export?format=csv", Ct)).AssertProblemAsync(HttpStatusCode.NotFound, Ct);
    }

    private async Task<(IReadOnlyList<string> Columns, List<string[]> Rows)> PageAsync(string id, string view, bool pages = false)
    {
        using var http = factory.CreateHttpClient();
        var rows = new List<string[]>();
        IReadOnlyList<string> columns = [];
        for (var page = 1; ; page++)
        {
            var read = (await http.GetFromJsonAsync<TablePage>($"/api/tables/{id}/rows?pageSize=1000&page={page}&{view}", Ct))!;
            columns = read.Columns;
            rows.AddRange(read.Rows);
            if (!pages || page >= read.TotalPages)
            {
                return (columns, rows);
            }
        }
    }

    private async Task<(IReadOnlyList<string> Columns, List<string[]> Rows)> ExportAsync(string id, string query, string format)
    {
        using var http = factory.CreateHttpClient();
        using var response = await http.GetAsync($"/api/tables/{id}/export?{query}", Ct);
        response.EnsureSuccessStatusCode();
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        var rows = format switch
        {
            "csv" => ReadDelimited(bytes, ','),
            "tsv" => ReadDelimited(bytes, '\t'),
            "json" => ReadJson(bytes),
            _ => ReadWorkbook(bytes),
        };
        return (rows[0], rows.Skip(1).ToList());
    }

    private static List<string[]> ReadDelimited(byte[] bytes, char separator)
    {
        using var reader = CsvReader.Create(bytes, new CsvReaderOptions { Separator = separator, HasHeader = false, DetectSeparatorHint = false });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }
        return rows;
    }

    private static List<string[]> ReadJson(byte[] bytes)
    {
        var json = JsonDocument.Parse(bytes).RootElement;
        return [Strings(json.GetProperty("columns")), .. json.GetProperty("rows").EnumerateArray().Select(Strings)];
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    /// <summary>Each cell as the text the table holds: numbers in invariant form, dates as ISO dates, booleans as true/false.</summary>
    private static List<string[]> ReadWorkbook(byte[] bytes)
    {
        using var workbook = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var part = workbook.WorkbookPart!;
        var shared = part.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];
        var formats = part.WorkbookStylesPart?.Stylesheet.CellFormats?.Elements<CellFormat>().ToArray() ?? [];
        var codes = part.WorkbookStylesPart?.Stylesheet.NumberingFormats?.Elements<NumberingFormat>().ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode!.Value!) ?? [];
        var rows = new List<string[]>();
        foreach (var row in part.WorksheetParts.Single().Worksheet.Descendants<Row>())
        {
            var cells = new List<string>();
            foreach (var cell in row.Elements<Cell>())
            {
                var column = ColumnOf(cell.CellReference?.Value) ?? cells.Count;
                while (cells.Count < column)
                {
                    cells.Add("");
                }
                cells.Add(TextOf(cell, shared, formats, codes));
            }
            rows.Add([.. cells]);
        }
        var width = rows[0].Length;
        return [.. rows.Select(r => r.Length < width ? [.. r, .. Enumerable.Repeat("", width - r.Length)] : r)];
    }

    private static int? ColumnOf(string? reference) =>
        reference is null ? null : reference.TakeWhile(char.IsLetter).Aggregate(0, (n, c) => (n * 26) + (c - 'A' + 1)) - 1;

    private static string TextOf(Cell cell, string[] shared, CellFormat[] formats, Dictionary<uint, string> codes)
    {
        var value = cell.CellValue?.Text ?? cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return shared[int.Parse(value, CultureInfo.InvariantCulture)];
        }
        if (cell.DataType?.Value == CellValues.Boolean)
        {
            return value == "1" ? "true" : "false";
        }
        if (cell.DataType is not null || value.Length == 0)
        {
            return value;
        }
        var code = cell.StyleIndex is { } style && formats[(int)style.Value].NumberFormatId?.Value is { } id ? codes.GetValueOrDefault(id) : null;
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return code switch
        {
            "yyyy-mm-dd" => DateTime.FromOADate(number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "yyyy-mm-dd hh:mm:ss" => DateTime.FromOADate(number).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            _ => value,
        };
    }
}
