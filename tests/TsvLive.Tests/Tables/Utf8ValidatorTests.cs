using System.Text;
using TsvLive.Tables.Ingest;

namespace TsvLive.Tests.Tables;

public class Utf8ValidatorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void ValidTextIsValidHoweverItIsChunked(int chunkSize)
    {
        var validator = new Utf8Validator();

        foreach (var chunk in Encoding.UTF8.GetBytes("aé€😀ß\t漢字\n").Chunk(chunkSize))
        {
            validator.Append(chunk);
        }
        validator.Complete();

        Assert.True(validator.IsValid);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xFF })]
    public void InvalidSequencesAreFoundEvenWhenSplit(byte[] invalid)
    {
        var validator = new Utf8Validator();

        foreach (var b in (byte[])[(byte)'a', .. invalid])
        {
            validator.Append([b]);
        }
        validator.Complete();

        Assert.False(validator.IsValid);
    }
}
