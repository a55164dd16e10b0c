using System.Diagnostics.CodeAnalysis;
using TsvLive.Errors;

namespace TsvLive.Tables.Text;

/// <summary>The character between a file's fields (see the contract's "Separators").</summary>
internal enum Separator
{
    Tab,
    Comma,
    Semicolon,
    Pipe,
}

internal static class SeparatorNames
{
    /// <summary>Every separator, in the order ties are broken: tab first, so every TSV reads as it always did.</summary>
    public static IReadOnlyList<Separator> All { get; } = [Separator.Tab, Separator.Comma, Separator.Semicolon, Separator.Pipe];

    /// <summary>The word the API uses: <c>tab</c>, <c>comma</c>, <c>semicolon</c>, <c>pipe</c>.</summary>
    public static string ToWire(this Separator separator) => separator switch
    {
        Separator.Comma => "comma",
        Separator.Semicolon => "semicolon",
        Separator.Pipe => "pipe",
        _ => "tab",
    };

    public static char ToChar(this Separator separator) => separator switch
    {
        Separator.Comma => ',',
        Separator.Semicolon => ';',
        Separator.Pipe => '|',
        _ => '\t',
    };

    /// <summary>The separator a request asks for: null when it names none; an unknown word is refused.</summary>
    /// <exception cref="InvalidChoiceException">The word names no separator.</exception>
    public static Separator? FromRequest(string? word) =>
        string.IsNullOrEmpty(word) ? null
        : TryParse(word, out var separator) ? separator
        : throw new InvalidChoiceException("separator", word, "tab, comma, semicolon or pipe");

    /// <summary>The separator an API word names (case-insensitive); false for any other word.</summary>
    public static bool TryParse(string? word, [NotNullWhen(true)] out Separator? separator)
    {
        separator = All.Cast<Separator?>().FirstOrDefault(s => string.Equals(s!.Value.ToWire(), word, StringComparison.OrdinalIgnoreCase));
        return separator is not null;
    }
}
