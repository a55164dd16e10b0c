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
}

internal static class SourceEncodings
{
    /// <summary>Bytes needed to tell every byte order mark apart.</summary>
    public const int DetectionLength = 4;

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
        return SourceEncoding.Utf8;
    }

    /// <summary>The encoding to transcode from, for the encodings that are not stored as they come.</summary>
    public static Encoding? TranscodeFrom(SourceEncoding encoding) => encoding switch
    {
        SourceEncoding.Utf16LittleEndian => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        SourceEncoding.Utf16BigEndian => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        SourceEncoding.Utf32LittleEndian => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        SourceEncoding.Utf32BigEndian => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        _ => null,
    };

    /// <summary>The length of the byte order mark of <paramref name="encoding"/>.</summary>
    public static int BomLength(SourceEncoding encoding) => encoding switch
    {
        SourceEncoding.Utf8 => 0,
        SourceEncoding.Utf8Bom => 3,
        SourceEncoding.Utf16LittleEndian or SourceEncoding.Utf16BigEndian => 2,
        _ => 4,
    };

    /// <summary>The name shown to users.</summary>
    public static string DisplayName(SourceEncoding encoding, bool validUtf8) => encoding switch
    {
        SourceEncoding.Utf8 => validUtf8 ? "utf-8" : "windows-1252",
        SourceEncoding.Utf8Bom => validUtf8 ? "utf-8" : "windows-1252",
        SourceEncoding.Utf16LittleEndian => "utf-16le",
        SourceEncoding.Utf16BigEndian => "utf-16be",
        SourceEncoding.Utf32LittleEndian => "utf-32le",
        _ => "utf-32be",
    };
}
