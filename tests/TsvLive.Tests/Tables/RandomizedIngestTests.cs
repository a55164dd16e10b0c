using TsvLive.Errors;
using TsvLive.Tables;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Tables;

/// <summary>
/// Seeded random and mutated files through ingest and paging (the same cases on every run). Every
/// case must give a consistent table or a TsvLive error a person can read, never anything else.
/// </summary>
public class RandomizedIngestTests
{
    private static readonly byte[] s_alphabet = "ab,;\"\"\t\t\t\r\n\n \\N€é0123456789"u8.ToArray();

    [Theory]
    [InlineData(1, 2500)]
    [InlineData(2, 2500)]
    public async Task RandomAndMutatedFilesGiveConsistentTablesOrClearErrors(int seed, int cases)
    {
        var random = new Random(seed);
        var tables = 0;
        for (var i = 0; i < cases; i++)
        {
            var bytes = i % 2 == 0 ? RandomText(random) : Mutated(random, Tsv.Numbered(random.Next(1, 40)));
            TableContent content;
            try
            {
                content = await TsvIngestTests.IngestAsync(bytes, chunkSize: random.Next(1, 64));
            }
            catch (TsvLiveException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message), $"case {i}: an error without words");
                continue;
            }
            tables++;
            Assert.True(content.Complete, $"case {i}");
            Assert.Equal(bytes.Length, content.SizeBytes);
            Assert.NotEmpty(content.Columns);
            var rows = TableRecords.Rows(content, 0, (int)content.RowCount).ToArray();
            Assert.Equal(content.RowCount, rows.Length);
            Assert.All(rows, row => Assert.Equal(content.Columns.Count, row.Length));
            if (content.RowCount > 1)
            {
                var middle = random.Next(0, (int)content.RowCount);
                Assert.Equal(rows[middle], TableRecords.Rows(content, middle, 1).First());
            }
        }
        Assert.True(tables > cases / 2, $"only {tables} of {cases} cases made tables: the generator is off");
    }

    private static byte[] RandomText(Random random)
    {
        var bytes = new byte[random.Next(0, 400)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = random.Next(10) == 0 ? (byte)random.Next(1, 256) : s_alphabet[random.Next(s_alphabet.Length)];
        }
        return bytes;
    }

    private static byte[] Mutated(Random random, byte[] file)
    {
        var bytes = file.ToList();
        for (var n = random.Next(1, 8); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = s_alphabet[random.Next(s_alphabet.Length)];
                    break;
                case 1:
                    bytes.Insert(at, (byte)'"');
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }
        return [.. bytes];
    }
}
