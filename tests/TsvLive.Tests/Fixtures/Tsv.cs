using System.Text;

namespace TsvLive.Tests.Fixtures;

/// <summary>Builds TSV files for tests.</summary>
public static class Tsv
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A file with a header (id, name, value) and <paramref name="rows"/> numbered rows.</summary>
    public static byte[] Numbered(int rows, string prefix = "row")
    {
        var text = new StringBuilder("id\tname\tvalue\n");
        for (var i = 1; i <= rows; i++)
        {
            text.Append(i).Append('\t').Append(prefix).Append(' ').Append(i).Append('\t').Append(i * 10).Append('\n');
        }
        return Utf8(text.ToString());
    }

    /// <summary>Splits bytes into chunks of <paramref name="size"/>.</summary>
    public static IEnumerable<byte[]> Chunks(byte[] bytes, int size) => bytes.Chunk(size);

    /// <summary>Chunks as a hub client streams them to Upload.</summary>
    public static async IAsyncEnumerable<byte[]> Stream(IEnumerable<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}
