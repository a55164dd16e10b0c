using TsvLive.Errors;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>Rejects files that are plainly not text, by their content (never by name or Content-Type).</summary>
internal static class BinarySniffer
{
    /// <summary>How much of the start of a file is looked at.</summary>
    public const int SniffLength = 8192;

    private static readonly (string Kind, byte[] Signature)[] s_signatures =
    [
        ("PNG image", [0x89, (byte)'P', (byte)'N', (byte)'G']),
        ("JPEG image", [0xFF, 0xD8, 0xFF]),
        ("GIF image", "GIF8"u8.ToArray()),
        ("PDF document", "%PDF-"u8.ToArray()),
        ("ZIP archive (or an Excel .xlsx workbook)", [(byte)'P', (byte)'K', 0x03, 0x04]),
        ("gzip archive", [0x1F, 0x8B]),
        ("7-Zip archive", [(byte)'7', (byte)'z', 0xBC, 0xAF]),
        ("executable", [0x7F, (byte)'E', (byte)'L', (byte)'F']),
        ("Excel .xls workbook", [0xD0, 0xCF, 0x11, 0xE0]),
    ];

    public static void ThrowIfBinary(ByteSegments raw, SourceEncoding? encoding)
    {
        Span<byte> head = stackalloc byte[(int)Math.Min(raw.Length, SniffLength)];
        raw.CopyTo(0, head);
        foreach (var (kind, signature) in s_signatures)
        {
            if (head.StartsWith(signature))
            {
                throw NotText($"It looks like a {kind}.");
            }
        }
        // UTF-16 and UTF-32 text has NUL bytes; UTF-8 and single-byte text does not.
        if (encoding is SourceEncoding.Utf8 or SourceEncoding.Utf8Bom && head.Contains((byte)0))
        {
            throw NotText("It contains NUL bytes, which text files do not.");
        }
    }

    private static InvalidUploadException NotText(string why) => new(
        "Not a text file",
        $"This file is not tab-separated text. {why} Export the data as tab-separated text (.tsv) and upload that.");
}
