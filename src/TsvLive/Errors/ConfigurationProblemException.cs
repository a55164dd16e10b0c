namespace TsvLive.Errors;

/// <summary>
/// A setting the app cannot start with. Its message is for the operator, one line that names the
/// setting (as in appsettings.json and as an environment variable) and what to do.
/// </summary>
internal sealed class ConfigurationProblemException(string message, Exception? inner = null) : Exception(message, inner);
