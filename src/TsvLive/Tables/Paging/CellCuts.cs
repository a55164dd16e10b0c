using System.Runtime.Serialization;
using System.Text;

namespace TsvLive.Tables.Paging;

/// <summary>
/// Cuts the cells of one page that are longer than a page may carry of one cell, and notes each cut
/// (its row on the page, its column, the whole cell's length), so one huge cell never makes a page
/// impossible to show. The whole cell is read through <c>GET /api/tables/{id}/cells/{row}/{column}</c>.
/// One per page read, filled as the page's rows are taken.
/// </summary>
internal sealed class CellCuts(int maxBytes) : ICellDecoder
{
    private readonly List<CutCell> _cuts = [];
    private int _row;

    /// <summary>The most bytes of one cell's text a page carries.</summary>
    public int MaxBytes => maxBytes;

    public IReadOnlyList<CutCell> Cuts => _cuts;

    /// <summary>The cell's text, or its first <see cref="MaxBytes"/> bytes (never half a character) when it is longer.</summary>
    public string Decode(ReadOnlySpan<byte> cell, Encoding encoding, int column)
    {
        if (cell.Length <= maxBytes)
        {
            return encoding.GetString(cell);
        }
        var length = maxBytes;
        if (encoding is UTF8Encoding)
        {
            // Back to the start of the character the cut would split.
            while (length > 0 && (cell[length] & 0xC0) == 0x80)
            {
                length--;
            }
        }
        _cuts.Add(new CutCell(_row, column + 1, encoding.GetCharCount(cell)));
        return encoding.GetString(cell[..length]);
    }

    /// <summary>The next cells belong to the page's next row.</summary>
    public void EndRow() => _row++;
}

/// <summary>A cell a page carries cut: its row on the page (0-based, as in <c>rows</c>), its column (1-based) and its whole length in characters.</summary>
[DataContract]
public sealed record CutCell(
    [property: DataMember(Name = "row")] int Row,
    [property: DataMember(Name = "column")] int Column,
    [property: DataMember(Name = "length")] long Length);
