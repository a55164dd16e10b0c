using System.Text.Unicode;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// Checks that bytes arriving in chunks are valid UTF-8, carrying a sequence that a chunk boundary
/// splits over to the next chunk.
/// </summary>
internal sealed class Utf8Validator
{
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;

    public bool IsValid { get; private set; } = true;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (!IsValid)
        {
            return;
        }
        if (_carryLength > 0)
        {
            var missing = Math.Min(SequenceLength(_carry[0]) - _carryLength, chunk.Length);
            chunk[..missing].CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += missing;
            chunk = chunk[missing..];
            if (_carryLength < SequenceLength(_carry[0]))
            {
                return; // still split: the chunk was tiny
            }
            IsValid = Utf8.IsValid(_carry.AsSpan(0, _carryLength));
            _carryLength = 0;
            if (!IsValid)
            {
                return;
            }
        }
        var whole = chunk.Length - CutOffLength(chunk);
        IsValid = Utf8.IsValid(chunk[..whole]);
        chunk[whole..].CopyTo(_carry);
        _carryLength = chunk.Length - whole;
    }

    /// <summary>Call at the end of the input: a sequence left unfinished makes it invalid.</summary>
    public void Complete() => IsValid &= _carryLength == 0;

    private static int SequenceLength(byte lead) => lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;

    /// <summary>How many bytes at the end start a multi-byte sequence that the chunk cuts off.</summary>
    private static int CutOffLength(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) != 0x80)
            {
                return SequenceLength(b) > back ? back : 0;
            }
        }
        return 0;
    }
}
