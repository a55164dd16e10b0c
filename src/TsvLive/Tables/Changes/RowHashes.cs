using System.Buffers;
using System.IO.Hashing;
using System.Text;
using TsvLive.Tables.Views;

namespace TsvLive.Tables.Changes;

/// <summary>
/// A 64-bit hash of each row's cells (some columns, in a given order), computed in one scan on every
/// core: what a diff compares instead of the rows. Cells are hashed as decoded text (UTF-8), so a
/// Windows-1252 version and a UTF-8 one with the same text hash alike, and a quoted cell like the
/// same cell unquoted. Each cell's hash seeds the next, so <c>a|bc</c> and <c>ab|c</c> differ.
/// </summary>
internal static class RowHashes
{
    private const long Seed = 0x5453564C495645; // "TSVLIVE"

    /// <summary>The hash of each row over <paramref name="columns"/> (0-based, in this order; a cell the record lacks is empty).</summary>
    public static long[] Rows(TableContent content, int[] columns, CancellationToken cancellationToken)
    {
        var hashes = new long[content.RowCount];
        var decoded = content.TextEncoding is UTF8Encoding ? null : content.TextEncoding;
        TableScan.ForEachInParallel(content, (row, reader) =>
        {
            var hash = Seed;
            foreach (var column in columns)
            {
                hash = Cell(TableScan.Cell(reader, column), decoded, hash);
            }
            hashes[row] = hash;
        }, cancellationToken);
        return hashes;
    }

    /// <summary>
    /// The hash of each row's cell in <paramref name="column"/>, or null as soon as one is empty (a key
    /// column has no empty cell).
    /// </summary>
    public static long[]? KeyCells(TableContent content, int column, CancellationToken cancellationToken)
    {
        var hashes = new long[content.RowCount];
        var decoded = content.TextEncoding is UTF8Encoding ? null : content.TextEncoding;
        using var empty = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            TableScan.ForEachInParallel(content, (row, reader) =>
            {
                var cell = TableScan.Cell(reader, column);
                if (cell.IsEmpty)
                {
                    empty.Cancel();
                }
                hashes[row] = Cell(cell, decoded, Seed);
            }, empty.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        return hashes;
    }

    /// <summary>One cell's text hashed after <paramref name="seed"/>; <paramref name="decoded"/>: the single-byte encoding to read it in (null: UTF-8 already).</summary>
    private static long Cell(ReadOnlySpan<byte> cell, Encoding? decoded, long seed)
    {
        if (decoded is null || !cell.ContainsAnyInRange((byte)0x80, (byte)0xFF))
        {
            return (long)XxHash3.HashToUInt64(cell, seed);
        }
        var chars = ArrayPool<char>.Shared.Rent(cell.Length);
        var utf8 = ArrayPool<byte>.Shared.Rent(cell.Length * 3);
        try
        {
            var count = decoded.GetChars(cell, chars);
            var length = Encoding.UTF8.GetBytes(chars.AsSpan(0, count), utf8);
            return (long)XxHash3.HashToUInt64(utf8.AsSpan(0, length), seed);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }
}
