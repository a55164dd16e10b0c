using System.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>Transcodes chunks of UTF-16 or UTF-32 text to UTF-8, keeping state across chunk boundaries.</summary>
internal sealed class Utf8Transcoder(Encoding source)
{
    private readonly Decoder _decoder = source.GetDecoder();
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private char[] _chars = new char[4096];
    private byte[] _bytes = new byte[4096 * 3];

    /// <summary>Transcodes <paramref name="chunk"/> and hands the UTF-8 bytes to <paramref name="write"/>.</summary>
    public void Transcode(ReadOnlySpan<byte> chunk, bool final, Action<ReadOnlySpan<byte>> write)
    {
        var charCount = _decoder.GetCharCount(chunk, final);
        if (charCount > _chars.Length)
        {
            _chars = new char[charCount];
            _bytes = new byte[charCount * 3];
        }
        var chars = _decoder.GetChars(chunk, _chars, final);
        var bytes = _encoder.GetBytes(_chars.AsSpan(0, chars), _bytes, final);
        write(_bytes.AsSpan(0, bytes));
    }
}
