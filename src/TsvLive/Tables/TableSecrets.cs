using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TsvLive.Tables;

/// <summary>Table ids and edit keys: random, URL-safe, and for keys, stored only as a hash.</summary>
internal static class TableSecrets
{
    /// <summary>A new table id: 128 random bits, base64url (22 characters).</summary>
    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>A new edit key: 256 random bits, base64url (43 characters).</summary>
    public static string NewEditKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The stored form of an edit key. A fast hash is enough: the key is 256 random bits, so there
    /// is nothing to guess that a slow hash would protect.
    /// </summary>
    public static byte[] HashEditKey(string editKey) => SHA256.HashData(Encoding.UTF8.GetBytes(editKey));

    public static bool EditKeyMatches(string? editKey, byte[] storedHash) =>
        editKey is not null && CryptographicOperations.FixedTimeEquals(HashEditKey(editKey), storedHash);

    /// <summary>Whether <paramref name="id"/> could be an id at all (so junk is not looked up or echoed at length).</summary>
    public static bool LooksLikeId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
