using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TsvLive.Tests.Fixtures;

/// <summary>Reads and checks an RFC 9457 problem+json answer.</summary>
public static class Problem
{
    /// <summary>Checks the status, the media type and the members every TsvLive problem has, with its stable <c>code</c>.</summary>
    public static async Task<JsonElement> AssertProblemAsync(
        this HttpResponseMessage response, HttpStatusCode status, CancellationToken cancellationToken, string? code = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        var actualCode = problem.GetProperty("code").GetString();
        Assert.Matches("^[a-z]+(-[a-z]+)*$", actualCode);
        if (code is not null)
        {
            Assert.Equal(code, actualCode);
        }
        return problem;
    }
}
