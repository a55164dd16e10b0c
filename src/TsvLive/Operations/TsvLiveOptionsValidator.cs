using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace TsvLive.Operations;

/// <summary>
/// The ranges and formats declared on <see cref="TsvLiveOptions"/>, each failure naming the setting as
/// an operator writes it: <c>TsvLive:MaxUploadBytes (TsvLive__MaxUploadBytes): ...</c>.
/// </summary>
internal sealed class TsvLiveOptionsValidator : IValidateOptions<TsvLiveOptions>
{
    public ValidateOptionsResult Validate(string? name, TsvLiveOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }
        return ValidateOptionsResult.Fail(results.Select(r =>
        {
            var member = r.MemberNames.FirstOrDefault() ?? "";
            return $"{TsvLiveOptions.Section}:{member} ({TsvLiveOptions.Section}__{member}): {Wording(member, r.ErrorMessage)}";
        }));
    }

    /// <summary>"must be at least 1" rather than "must be between 1 and 9.223372036854776E+18".</summary>
    private static string? Wording(string member, string? message) =>
        typeof(TsvLiveOptions).GetProperty(member)?.GetCustomAttributes(typeof(RangeAttribute), false) is [RangeAttribute range]
            && range.Maximum is int or long or double && Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture) >= int.MaxValue
            ? $"The value must be at least {range.Minimum}."
            : message;
}
