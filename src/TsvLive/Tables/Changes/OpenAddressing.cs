namespace TsvLive.Tables.Changes;

/// <summary>The arithmetic of the hash tables keyed by 64-bit row hashes here: linear probing in a power-of-two table.</summary>
internal static class OpenAddressing
{
    /// <summary>A table at most half full for <paramref name="entries"/> keys (16 slots at least).</summary>
    public static int Capacity(int entries) => (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, entries) * 2));

    /// <summary>Where a key's probe starts (Fibonacci hashing: the hashes' high bits mixed into the slot).</summary>
    public static int Home(long key, int mask) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> 32) & mask;
}
