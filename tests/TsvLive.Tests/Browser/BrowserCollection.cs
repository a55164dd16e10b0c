namespace TsvLive.Tests.Browser;

/// <summary>
/// Browser tests run on their own, not in parallel with the other test classes: on a 2-core
/// machine a starved Chromium makes timings (a click on Cancel mid-upload) nondeterministic.
/// </summary>
[CollectionDefinition(nameof(BrowserCollection), DisableParallelization = true)]
public sealed class BrowserCollection;
