namespace TsvLive.Tests.Fixtures;

/// <summary>A directory of its own for one test (a data directory), deleted afterwards.</summary>
public sealed class TemporaryDirectory(string prefix = "tsvlive-") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
