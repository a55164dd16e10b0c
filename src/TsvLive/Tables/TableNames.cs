namespace TsvLive.Tables;

/// <summary>Table names as users gave them, made safe to show and to offer as a download name.</summary>
internal static class TableNames
{
    public const string Default = "table.tsv";

    /// <summary>Extensions a downloaded file may keep; any other gets .tsv added, so a download never arrives as a program.</summary>
    private static readonly string[] s_textExtensions = [".tsv", ".tab", ".csv", ".txt"];

    /// <summary>
    /// The file name without any folders, control characters, format characters (such as the bidi
    /// override U+202E that makes "invoice", U+202E, "vst.bat" read as "invoicetab.tsv") or surrounding spaces, cut to <paramref name="maxLength"/>.
    /// </summary>
    public static string Clean(string? name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Default;
        }
        var lastSegment = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new string(lastSegment.Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format).ToArray()).Trim();
        if (clean.Length > maxLength)
        {
            clean = clean[..maxLength];
        }
        return clean is "" or "." or ".." ? Default : clean;
    }

    /// <summary>The name to download the original file under: a text extension, whatever the name had.</summary>
    public static string ForDownload(string name) =>
        s_textExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)) ? name : name + ".tsv";
}
