namespace TsvLive.Tests.Architecture;

public sealed class FolderDependencyTests(ITestOutputHelper output)
{
    [Fact]
    public void PrintsTheGraph()
    {
        foreach (var ((from, to), example) in FolderDependencies.Read().OrderBy(e => e.Key))
        {
            output.WriteLine($"{from} -> {to}   ({example})");
        }
        Assert.Fail("graph");
    }
}
