using System.Text;
using CsvHelper;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Views;

/// <summary>
/// Finds the rows with a text in any cell, case-insensitively, in time linear in the table. The
/// table's UTF-8 bytes are searched first (vectorized, for either case of an ASCII text); each index
/// window (16 records) holding a match is then parsed once and its records checked cell by cell, so
/// no record is parsed twice however many matches it holds (a one-letter text matches almost every
/// byte). A text with non-ASCII letters, whose other case has other bytes, is checked in every record.
/// </summary>
internal static class Find
{
    private const int WindowsBetweenChecks = 64;

    /// <summary>Clears <paramref name="keep"/> for the rows that do not contain <paramref name="text"/>.</summary>
    public static void Mark(TableContent content, string text, bool[] keep, CancellationToken cancellationToken)
    {
        if (AsciiNeedle.For(text) is not { } needle || content.TextEncoding is not UTF8Encoding)
        {
            TableScan.ForEachInParallel(content, (row, reader) => keep[row] &= RecordContains(reader, text, content.TextEncoding), cancellationToken);
            return;
        }
        var found = new bool[keep.Length];
        // Matches come in order. A window is parsed once, from its first record to the one holding its
        // last match (no further), and the matches in it need nothing more.
        var headerEnd = content.RowCount == 0 ? content.TextLength : content.Index.CheckpointAtOrBefore(0).Offset;
        using var offsets = Offsets(content, needle).GetEnumerator();
        var more = offsets.MoveNext();
        var windows = 0;
        while (more)
        {
            var offset = offsets.Current;
            if (offset < headerEnd)
            {
                more = offsets.MoveNext();
                continue;
            }
            if (++windows % WindowsBetweenChecks == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var (first, start) = content.Index.CheckpointAtOrBeforeOffset(offset, content.RowCount);
            var count = (int)Math.Min(RecordIndex.Stride, content.RowCount - first);
            var windowEnd = content.Index.TryCheckpointAtOrAfter(first + count, content.RowCount, out var next) ? next : content.TextLength;
            var lastMatch = offset;
            while ((more = offsets.MoveNext()) && offsets.Current < windowEnd)
            {
                lastMatch = offsets.Current;
            }
            var record = first;
            foreach (var reader in TableRecords.Of(content, first, count))
            {
                if (start + reader.ByteOffset > lastMatch)
                {
                    break; // this record and the rest of the window start after the last match
                }
                found[record++] = CellsContainAscii(reader, needle) || (HasNonAscii(reader) && RecordContains(reader, text, content.TextEncoding));
            }
        }
        for (var row = 0; row < keep.Length; row++)
        {
            keep[row] &= found[row];
        }
    }

    /// <summary>Whether a cell holds the ASCII text in either case, compared as bytes (no strings made).</summary>
    private static bool CellsContainAscii(CsvReader reader, AsciiNeedle needle)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (needle.IndexIn(reader.GetSpan(i)) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether a cell has a non-ASCII character, whose case folding (as .NET's ignore-case compares) the byte search cannot see.</summary>
    private static bool HasNonAscii(CsvReader reader)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (!Ascii.IsValid(reader.GetSpan(i)))
            {
                return true;
            }
        }
        return false;
    }

    private static bool RecordContains(CsvReader reader, string text, Encoding encoding)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var cell = reader.GetSpan(i);
            if (cell.Length >= text.Length && encoding.GetString(cell).Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Where the text's bytes (in either ASCII case) start in the table's text, in order; matches across segment ends included.</summary>
    private static IEnumerable<long> Offsets(TableContent content, AsciiNeedle needle)
    {
        long start = 0;
        byte[] carry = [];
        foreach (var segment in content.Text.Segments(content.TextLength))
        {
            // The last needle.Length - 1 bytes of the previous segment go before this one, for matches across the end.
            var joined = carry.Length == 0 ? segment : (ReadOnlyMemory<byte>)carry.Concat(segment.Span[..Math.Min(segment.Length, needle.Length - 1)].ToArray()).ToArray();
            if (carry.Length > 0)
            {
                foreach (var at in Matches(joined, needle))
                {
                    if (at < carry.Length)
                    {
                        yield return start - carry.Length + at;
                    }
                }
            }
            foreach (var at in Matches(segment, needle))
            {
                yield return start + at;
            }
            var keep = Math.Min(segment.Length, needle.Length - 1);
            carry = segment.Span[(segment.Length - keep)..].ToArray();
            start += segment.Length;
        }
    }

    private static List<int> Matches(ReadOnlyMemory<byte> memory, AsciiNeedle needle)
    {
        var found = new List<int>();
        for (var at = needle.IndexIn(memory.Span); at >= 0; at = needle.IndexIn(memory.Span, at + 1))
        {
            found.Add(at);
        }
        return found;
    }
}
