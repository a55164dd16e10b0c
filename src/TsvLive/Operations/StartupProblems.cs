using Microsoft.Extensions.Options;
using TsvLive.Errors;

namespace TsvLive.Operations;

/// <summary>
/// What keeps the app from starting because of how it was configured (a bad option, a data directory
/// it cannot use, a port in use) becomes one plain line per problem on standard error and exit code
/// 1, not an unhandled exception's stack trace and exit code 134. Anything else stays an exception.
/// </summary>
internal static class StartupProblems
{
    /// <param name="run">Builds and runs the app until it stops.</param>
    /// <returns>The process's exit code.</returns>
    public static int RunOrExplain(Action run)
    {
        try
        {
            run();
            return 0;
        }
        catch (Exception e) when (Explain(e) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                Console.Error.WriteLine(problem);
            }
            return 1;
        }
    }

    /// <summary>One line per problem, or none when <paramref name="e"/> is not about the configuration.</summary>
    internal static IReadOnlyList<string> Explain(Exception e)
    {
        switch (e)
        {
            case AggregateException all:
                var lines = all.InnerExceptions.Select(Explain).ToList();
                return lines.All(l => l.Count > 0) ? [.. lines.SelectMany(l => l)] : [];
            case OptionsValidationException invalid:
                return [.. invalid.Failures.Select(f => $"Configuration error: {f}")];
            case ConfigurationProblemException problem:
                return [$"Configuration error: {problem.Message}"];
            case InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                return [$"Configuration error: {message}"];
            case IOException { Message: var message } when message.StartsWith("Failed to bind to address", StringComparison.Ordinal):
                return [$"Configuration error: {message.TrimEnd('.')}. Choose another port with --urls http://0.0.0.0:8080 or ASPNETCORE_URLS."];
            default:
                return [];
        }
    }
}
