using System.Reflection;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Operations;

/// <summary>docs/configuration.md is the one reference an operator reads: it must name every setting there is.</summary>
public sealed class ConfigurationReferenceTests
{
    [Fact]
    public void EverySettingIsInTheReferenceWithItsEnvironmentVariable()
    {
        var reference = File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md"));
        var settings = typeof(TsvLiveOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name).ToList();

        Assert.True(settings.Count > 30);
        Assert.All(settings, name => Assert.Contains($"| `{name}` | `TsvLive__{name}", reference, StringComparison.Ordinal));
    }
}
