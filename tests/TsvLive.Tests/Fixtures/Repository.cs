namespace TsvLive.Tests.Fixtures;

/// <summary>The repository the tests were built from (its scripts and docs).</summary>
public static class Repository
{
    /// <summary>The folder holding TsvLive.sln, above the tests' output folder.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TsvLive.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("TsvLive.sln not found above " + AppContext.BaseDirectory);
    }
}
