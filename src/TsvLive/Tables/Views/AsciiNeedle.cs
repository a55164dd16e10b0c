using System.Text;

namespace TsvLive.Tables.Views;

/// <summary>
/// An ASCII text looked for in a table's bytes in either ASCII case, without decoding them (find and
/// the text filters contains and starts). The same answer as .NET's ordinal ignore-case on the decoded
/// text: the table's text is UTF-8 or Windows-1252, where ASCII characters are their own bytes and no
/// other character's bytes are ASCII, and ordinal ignore-case never folds another character onto an
/// ASCII one (not ı, ſ or the Kelvin sign; the view tests hold such cells).
/// </summary>
internal sealed class AsciiNeedle
{
    private readonly byte _lower;
    private readonly byte _upper;

    private AsciiNeedle(byte[] bytes)
    {
        Bytes = bytes;
        (_lower, _upper) = ((byte)char.ToLowerInvariant((char)bytes[0]), (byte)char.ToUpperInvariant((char)bytes[0]));
    }

    public byte[] Bytes { get; }

    public int Length => Bytes.Length;

    /// <summary>The needle for <paramref name="text"/>, or null when it is empty or not all ASCII.</summary>
    public static AsciiNeedle? For(string text) => text.Length > 0 && Ascii.IsValid(text) ? new AsciiNeedle(Encoding.ASCII.GetBytes(text)) : null;

    /// <summary>Where the needle next starts in <paramref name="span"/> from <paramref name="from"/>; −1 when nowhere.</summary>
    public int IndexIn(ReadOnlySpan<byte> span, int from = 0)
    {
        while (from <= span.Length - Bytes.Length)
        {
            var i = span[from..].IndexOfAny(_lower, _upper);
            if (i < 0)
            {
                return -1;
            }
            var at = from + i;
            if (at + Bytes.Length <= span.Length && Ascii.EqualsIgnoreCase(span.Slice(at, Bytes.Length), Bytes))
            {
                return at;
            }
            from = at + 1;
        }
        return -1;
    }

    /// <summary>Whether <paramref name="span"/> starts with the needle.</summary>
    public bool Starts(ReadOnlySpan<byte> span) => span.Length >= Bytes.Length && Ascii.EqualsIgnoreCase(span[..Bytes.Length], Bytes);
}
