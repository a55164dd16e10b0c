using System.Globalization;
using System.Text;

namespace TsvLive.Benchmarks;

/// <summary>Deterministic TSV files for benchmarks: the same bytes on every run.</summary>
internal static class GeneratedTsv
{
    /// <summary>About <paramref name="bytes"/> of a realistic table (ids, names, numbers, free text; some quoted fields).</summary>
    public static byte[] Realistic(int bytes)
    {
        var text = new StringBuilder(bytes + 200);
        text.Append("id\tname\tcity\tamount\tdate\tnote\n");
        for (var i = 0; text.Length < bytes; i++)
        {
            text.Append(i).Append("\tName ").Append(i).Append("\tCity ").Append(i % 977).Append('\t')
                .Append((i * 3.25).ToString(CultureInfo.InvariantCulture)).Append("\t2026-")
                .Append((i % 12 + 1).ToString("00", CultureInfo.InvariantCulture)).Append('-')
                .Append((i % 28 + 1).ToString("00", CultureInfo.InvariantCulture)).Append('\t');
            if (i % 50 == 0)
            {
                text.Append("\"a quoted note, with\ttab ").Append(i).Append('"');
            }
            else
            {
                text.Append("some note text for row ").Append(i);
            }
            text.Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A narrow table of exactly <paramref name="rows"/> rows.</summary>
    public static byte[] Rows(int rows)
    {
        var text = new StringBuilder(rows * 16);
        text.Append("id\tgroup\tflag\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(i).Append('\t').Append(i % 977).Append("\tx\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
