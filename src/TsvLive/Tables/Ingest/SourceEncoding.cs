using System.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>How the uploaded bytes are encoded, as far as their byte order mark says.</summary>
internal enum SourceEncoding
{
    /// <summary>UTF-8 without BOM (or, if it turns out not to be valid UTF-8, Windows-1252).</summary>
    Utf8,
    Utf8Bom,
    Utf16LittleEndian,
    Utf16BigEndian,
    Utf32LittleEndian,
    Utf32BigEndian,

    /// <summary>UTF-16 without a byte order mark, recognised by the zero bytes of its ASCII characters.</summary>
    Utf16LittleEndianNoBom,
    Utf16BigEndianNoBom,
}

internal static class SourceEncodings
{
    /// <summary>Bytes looked at to tell the encodings apart (byte order marks, or UTF-16's zero bytes).</summary>
    public const int DetectionLength = 256;

    /// <summary>Windows-1252, for text that is not valid UTF-8.</summary>
    public static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>Detects the encoding from the first bytes; <paramref name="final"/> says no more bytes follow.</summary>
    public static SourceEncoding? Detect(ReadOnlySpan<byte> start, bool final)
    {
        if (start.StartsWith((byte[])[0xFF, 0xFE, 0x00, 0x00]))
        {
            return SourceEncoding.Utf32LittleEndian;
        }
        if (start.StartsWith((byte[])[0x00, 0x00, 0xFE, 0xFF]))
        {
            return SourceEncoding.Utf32BigEndian;
        }
        if (start.Length < DetectionLength && !final)
        {
            return null;
        }
        if (start.StartsWith((byte[])[0xEF, 0xBB, 0xBF]))
        {
            return SourceEncoding.Utf8Bom;
        }
        if (start.StartsWith((byte[])[0xFF, 0xFE]))
        {
            return SourceEncoding.Utf16LittleEndian;
        }
        if (start.StartsWith((byte[])[0xFE, 0xFF]))
        {
            return SourceEncoding.Utf16BigEndian;
        }
        return LooksLikeUtf16(start, oddZeros: true) ? SourceEncoding.Utf16LittleEndianNoBom
            : LooksLikeUtf16(start, oddZeros: false) ? SourceEncoding.Utf16BigEndianNoBom
            : SourceEncoding.Utf8;
    }

    /// <summary>Text in UTF-16 has a zero in every other byte where it is ASCII (tabs, line breaks, digits).</summary>
    private static bool LooksLikeUtf16(ReadOnlySpan<byte> start, bool oddZeros)
    {
        var pairs = start.Length / 2;
        if (pairs < 2)
        {
            return false;
        }
        int zerosWhereExpected = 0, zerosElsewhere = 0;
        for (var i = 0; i < pairs * 2; i += 2)
        {
            var (first, second) = (start[i], start[i + 1]);
            zerosWhereExpected += (oddZeros ? second : first) == 0 ? 1 : 0;
            zerosElsewhere += (oddZeros ? first : second) == 0 ? 1 : 0;
        }
        return zerosWhereExpected * 10 >= pairs * 7 && zerosElsewhere * 10 <= pairs;
    }

    /// <summary>The encoding to transcode from, for the encodings that are not stored as they come.</summary>
    /// <summary>The encoding as a person names it; <paramref name="text"/> is what the text turned out to be (Windows-1252 when not valid UTF-8).</summary>
    public static string Name(SourceEncoding? source, Encoding text) => source switch
    {
        SourceEncoding.Utf16LittleEndian or SourceEncoding.Utf16BigEndian or SourceEncoding.Utf16LittleEndianNoBom or SourceEncoding.Utf16BigEndianNoBom => "UTF-16",
        SourceEncoding.Utf32LittleEndian or SourceEncoding.Utf32BigEndian => "UTF-32",
        _ => text is UTF8Encoding ? "UTF-8" : "Windows-1252",
    };

    public static Encoding? TranscodeFrom(SourceEncoding encoding) => encoding switch
    {
        SourceEncoding.Utf16LittleEndian => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        SourceEncoding.Utf16BigEndian => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        SourceEncoding.Utf32LittleEndian => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        SourceEncoding.Utf32BigEndian => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        SourceEncoding.Utf16LittleEndianNoBom => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
        SourceEncoding.Utf16BigEndianNoBom => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
        _ => null,
    };

    /// <summary>The length of the byte order mark of <paramref name="encoding"/>.</summary>
    public static int BomLength(SourceEncoding encoding) => encoding switch
    {
        SourceEncoding.Utf8 or SourceEncoding.Utf16LittleEndianNoBom or SourceEncoding.Utf16BigEndianNoBom => 0,
        SourceEncoding.Utf8Bom => 3,
        SourceEncoding.Utf16LittleEndian or SourceEncoding.Utf16BigEndian => 2,
        _ => 4,
    };
}
