using System.Text;
using TsvLive.Api;

namespace TsvLive.Tests.Security;

/// <summary>One odd or hostile file, what it must give, and what to check of it: its metadata, its first rows as decoded text, or both.</summary>
/// <param name="CellsCut">Its cells are longer than a page carries (MaxCellBytesInPage): pages carry them cut, and say so.</param>
public sealed record HostileFile(
    string Name, Func<byte[]> Bytes, bool MakesTable, string FileName = "case.tsv", Action<TableInfo>? Check = null, string[][]? Rows = null,
    bool CellsCut = false)
{
    /// <summary>Whether a file that makes a table has something particular checked.</summary>
    public bool IsChecked => Check is not null || Rows is not null;

    public override string ToString() => Name;
}

/// <summary>The corpus: at least 40 files that real uploads and strangers send.</summary>
public static class HostileFiles
{
    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Repeat(string line, int times, string header = "a\n")
    {
        var text = new StringBuilder(header, header.Length + line.Length * times);
        for (var i = 0; i < times; i++)
        {
            text.Append(line);
        }
        return U(text.ToString());
    }

    public static IReadOnlyList<HostileFile> All { get; } =
    [
        new("empty file", () => [], MakesTable: false),
        new("only a byte order mark", () => [0xEF, 0xBB, 0xBF], MakesTable: false),
        new("blank lines only", () => U("\n\r\n\n\r"), MakesTable: false),
        new("header only", () => U("a\tb\tc\n"), true, Check: t => Assert.Equal(0, t.RowCount)),
        new("header without line break", () => U("a\tb"), true, Check: t => Assert.Equal(["a", "b"], t.Columns)),
        new("LF", () => U("a\tb\n1\t2\n"), true, Check: t => Assert.Equal(1, t.RowCount)),
        new("CRLF", () => U("a\tb\r\n1\t2\r\n3\t4\r\n"), true, Check: t => Assert.Equal(2, t.RowCount)),
        new("CR only", () => U("a\tb\r1\t2\r3\t4\r"), true, Check: t => Assert.Equal(2, t.RowCount)),
        new("mixed line ends", () => U("a\tb\n1\t2\r\n3\t4\r5\t6"), true, Check: t => Assert.Equal(3, t.RowCount)),
        new("NUL bytes", () => U("a\tb\n1\0\t2\n"), MakesTable: false),
        new("random binary", () => RandomBytes(4096), MakesTable: false),
        new("a PNG", () => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52], MakesTable: false, FileName: "table.tsv"),
        new("a ZIP (xlsx)", () => [0x50, 0x4B, 0x03, 0x04, 20, 0, 6, 0, 8, 0], MakesTable: false),
        new("a gzip", () => [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0], MakesTable: false),
        new("UTF-16 LE with BOM", () => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("名\tb\n1\t2\n")], true, Check: t => Assert.Equal("名", t.Columns[0])),
        new("UTF-16 BE with BOM", () => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("名\tb\n1\t2\n")], true, Check: t => Assert.Equal("名", t.Columns[0])),
        new("UTF-16 LE without BOM", () => Encoding.Unicode.GetBytes("name\tcity\nZoë\tKöln\n"), true, Check: t => Assert.Equal(["name", "city"], t.Columns)),
        new("UTF-32 LE with BOM", () => [0xFF, 0xFE, 0, 0, .. Encoding.UTF32.GetBytes("a\t😀\n1\t2\n")], true, Check: t => Assert.Equal("😀", t.Columns[1])),
        new("UTF-16 with a lone surrogate", () => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("a\tb\n1\t"), 0x00, 0xD8, .. Encoding.Unicode.GetBytes("\n")], true,
            Rows: [["1", "\uFFFD"]]),
        new("invalid UTF-8 (read as Windows-1252)", () => [.. U("name\tprice\ncaf"), 0xE9, (byte)'\t', 0x80, (byte)'\n'], true, Rows: [["café", "€"]]),
        new("Windows-1252 smart quotes", () => [.. U("q\n"), 0x93, (byte)'h', (byte)'i', 0x94, (byte)'\n'], true, Rows: [["\u201Chi\u201D"]]),
        new("zero-width characters", () => U("a\u200B\tb\uFEFF\n1\u200D\t2\n"), true, Check: t => Assert.Equal("a\u200B", t.Columns[0])),
        new("right-to-left text and overrides", () => U("שם\tاسم\n\u202Egnp.exe\tمرحبا\n"), true, Check: t => Assert.Equal(["שם", "اسم"], t.Columns)),
        new("control characters", () => U("a\tb\n\u0001\u001b[31m\t\u0007\n"), true, Rows: [["\u0001\u001b[31m", "\u0007"]]),
        new("emoji and surrogate pairs", () => U("👩‍👩‍👧\t🏳️‍🌈\n😀\t𝄞\n"), true, Check: t => Assert.Equal("👩‍👩‍👧", t.Columns[0])),
        new("a 20 MB single field", () => U("a\n" + new string('x', 20_000_000) + "\n"), true, Check: t => Assert.Equal(1, t.RowCount), CellsCut: true),
        new("100,000 columns", () => U(string.Join('\t', Enumerable.Range(0, 100_000)) + "\n"), MakesTable: false),
        new("5,000,000 tiny rows", () => Repeat("1\n", 5_000_000), true, Check: t => Assert.Equal(5_000_000, t.RowCount)),
        new("an unterminated quote at the start of a 10 MB file", () => [.. U("a\tb\n\"never closed\t1\n"), .. Repeat("x\ty\n", 2_500_000, header: "")], true,
            Check: t => { Assert.Equal("plain", t.Dialect); Assert.Equal(2_500_001, t.RowCount); }),
        new("stray quotes", () => U("size\tname\n5\" pipe\tsay \"hi\"\n"), true, Check: t => Assert.Equal("quoted", t.Dialect)),
        new("text after a closing quote", () => U("a\tb\n\"x\"y\t1\n"), true, Check: t => Assert.Equal("plain", t.Dialect)),
        new("a lone quote", () => U("a\n\"\n"), true, Rows: [["\""]]),
        new("quoted header and quoted line breaks", () => U("\"a\tb\"\tc\n\"1\r\n2\"\t3\n"), true, Check: t => Assert.Equal(["a\tb", "c"], t.Columns)),
        new("duplicate header names", () => U("a\ta\ta\n1\t2\t3\n"), true, Check: t => Assert.Equal(["a", "a", "a"], t.Columns)),
        new("empty header names", () => U("\t\tc\n1\t2\t3\n"), true, Check: t => Assert.Equal(["Column 1", "Column 2", "c"], t.Columns)),
        new("a sep= first line", () => U("sep=,\na,b\n1,2\n"), true, Check: t => Assert.Equal(["sep=,"], t.Columns)),
        new("trailing tabs", () => U("a\tb\t\n1\t2\t\t\t\n"), true, Check: t => Assert.Equal(["a", "b", "Column 3", "Column 4", "Column 5"], t.Columns)),
        new("IMDb-style \\N", () => U("tconst\truntime\ntt01\t\\N\n"), true, Rows: [["tt01", "\\N"]]),
        new("a very long header name", () => U(new string('h', 100_000) + "\tb\n1\t2\n"), true,
            Check: t => Assert.Equal([new string('h', 100_000), "b"], t.Columns), Rows: [["1", "2"]]),
        new("whitespace-only lines", () => U("a\tb\n   \n\t\n1\t2\n"), true, Check: t => Assert.Equal(3, t.RowCount)),
        new("a JSON document", () => U("{\"a\": [1, 2, 3]}\n"), true, Check: t => Assert.Equal(["{\"a\": [1, 2, 3]}"], t.Columns)),
        new("an HTML document", () => U("<html><script>alert(1)</script></html>\n<img src=x onerror=alert(2)>\n"), true,
            Check: t => Assert.Equal(["<html><script>alert(1)</script></html>"], t.Columns), Rows: [["<img src=x onerror=alert(2)>"]]),
        new("a file name with folders", () => U("a\n1\n"), true, FileName: "../../etc/passwd", Check: t => Assert.Equal("passwd", t.Name)),
        new("a file name with HTML", () => U("a\n1\n"), true, FileName: "<img src=x onerror=alert(1)>.tsv", Check: t => Assert.Equal("<img src=x onerror=alert(1)>.tsv", t.Name)),
        new("a file name with control characters", () => U("a\n1\n"), true, FileName: "bad\u0007\r\nname.tsv", Check: t => Assert.Equal("badname.tsv", t.Name)),
    ];

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var file in All)
        {
            names.Add(file.Name);
        }
        return names;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
