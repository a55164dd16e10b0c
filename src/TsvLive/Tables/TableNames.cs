namespace TsvLive.Tables;

/// <summary>Table names as users gave them, made safe to show and to offer as a download name.</summary>
internal static class TableNames
{
    public const string Default = "table.tsv";

    /// <summary>The file name without any folders, control characters or surrounding spaces, cut to <paramref name="maxLength"/>.</summary>
    public static string Clean(string? name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Default;
        }
        var lastSegment = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new string(lastSegment.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length > maxLength)
        {
            clean = clean[..maxLength];
        }
        return clean is "" or "." or ".." ? Default : clean;
    }
}
