using System.Net;
using TsvLive.Tests.Fixtures;

namespace TsvLive.Tests.Security;

public class UploadRateTests(UploadRateTests.Factory factory) : IClassFixture<UploadRateTests.Factory>
{
    public sealed class Factory : TsvLiveFactory
    {
        public Factory() => With("TsvLive:UploadsPerMinute", "3");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAddressCreatingTablesTooFastIsToldToWait()
    {
        using var http = factory.CreateHttpClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(1)), Ct)).StatusCode);
        }

        var fourth = await http.PostAsync("/api/tables", new ByteArrayContent(Tsv.Numbered(1)), Ct);

        var problem = await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests, Ct);
        Assert.Contains("started 3 uploads in the last minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
