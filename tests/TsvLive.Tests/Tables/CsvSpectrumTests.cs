using System.Net.Http.Json;
using System.Text.Json;
using CsvHelper;
using TsvLive.Api;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// The third-party csv-spectrum suite (npm, installed by the test build): each CSV case is turned
/// into the same table as TSV, faithfully (fields re-quoted RFC 4180 style where they hold a tab,
/// a quote or a line break; the file's line ends kept), uploaded, and must read back as the
/// suite's expected JSON; and each case uploaded as the CSV it is must read the same (its comma detected).
/// </summary>
public class CsvSpectrumTests(TsvLiveFactory factory) : IClassFixture<TsvLiveFactory>
{
    private static readonly string s_folder = Path.Combine(AppContext.BaseDirectory, "csv-spectrum");

    /// <summary>
    /// Where the suite disagrees with itself: location_coordinates.csv holds the phone number
    /// 2095257564, its JSON says 1234567890. The CSV is what is uploaded, so its value is expected.
    /// </summary>
    private static readonly (string Case, string Column, string Value)[] s_suiteErrata =
        [("location_coordinates", "Contact Phone Number", "2095257564")];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var csv in Directory.EnumerateFiles(s_folder, "*.csv").Order())
        {
            cases.Add(Path.GetFileNameWithoutExtension(csv));
        }
        return cases;
    }

    [Fact]
    public void TheSuiteIsInstalledByTheBuild() => Assert.True(Directory.EnumerateFiles(s_folder, "*.csv").Count() >= 12, s_folder);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryCaseReadsAsTheSuiteExpects(string name) =>
        await AssertReadsAsExpectedAsync(name, ToTsv(await File.ReadAllBytesAsync(Path.Combine(s_folder, name + ".csv"), Ct)), name + ".tsv");

    /// <summary>The case uploaded as it is, a CSV, the way the suite means it: its comma is detected.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryCaseUploadedAsTheCsvItIsReadsAsTheSuiteExpects(string name)
    {
        var created = await AssertReadsAsExpectedAsync(name, await File.ReadAllBytesAsync(Path.Combine(s_folder, name + ".csv"), Ct), name + ".csv");
        Assert.Equal("comma", created.Separator);
    }

    private async Task<TableCreated> AssertReadsAsExpectedAsync(string name, byte[] file, string fileName)
    {
        var expected = Expected(await File.ReadAllTextAsync(Path.Combine(s_folder, name + ".json"), Ct));
        foreach (var (_, column, value) in s_suiteErrata.Where(e => e.Case == name))
        {
            expected[0][column] = value;
        }
        using var http = factory.CreateHttpClient();

        var created = await factory.CreateTableAsync(file, Ct, fileName);
        var page = await http.GetFromJsonAsync<TablePage>($"/api/tables/{created.Id}/rows?pageSize=1000", Ct);

        Assert.Equal(expected.Count, page!.TotalRows);
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r].Keys, page.Columns);
            Assert.Equal(expected[r].Values, page.Rows[r]);
        }
        return created;
    }

    /// <summary>The expected records: an array of objects, or (location_coordinates) one object.</summary>
    private static List<Dictionary<string, string>> Expected(string json) => json.TrimStart().StartsWith('{')
        ? [JsonSerializer.Deserialize<Dictionary<string, string>>(json)!]
        : JsonSerializer.Deserialize<List<Dictionary<string, string>>>(json)!;

    /// <summary>The same records as TSV: commas become tabs, and a field is quoted where TSV needs it.</summary>
    private static byte[] ToTsv(byte[] csv)
    {
        var lineEnd = csv.AsSpan().IndexOf("\r\n"u8) >= 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray();
        using var reader = CsvReader.Create(csv, new CsvReaderOptions { Separator = ',', HasHeader = false });
        using var tsv = new MemoryStream();
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (i > 0)
                {
                    tsv.WriteByte((byte)'\t');
                }
                var field = reader.GetSpan(i);
                if (field.IndexOfAny("\t\"\r\n"u8) < 0)
                {
                    tsv.Write(field);
                    continue;
                }
                tsv.WriteByte((byte)'"');
                foreach (var b in field)
                {
                    tsv.WriteByte(b);
                    if (b == '"')
                    {
                        tsv.WriteByte(b);
                    }
                }
                tsv.WriteByte((byte)'"');
            }
            tsv.Write(lineEnd);
        }
        return tsv.ToArray();
    }
}
