using Nethereum.Signer;
using Protocol.Core.Contracts;
using Protocol.Core.Reports;

namespace Protocol.Core.Tests;

public sealed class ReportVectorTests
{
    private static readonly System.Text.Json.JsonElement Data = Vectors.Load("reports.json");

    public static TheoryData<int> Domains => [0, 1];

    [Theory]
    [MemberData(nameof(Domains))]
    public void Digests_signatures_and_signers_match_the_reference(int domainIndex)
    {
        var domain = Data.GetProperty("domains")[domainIndex];
        var signing = new ReportSigning(domain.Big("chainId"), domain.Str("verifyingContract"));
        Assert.Equal(ReportSigning.ReportType, domain.Str("reportType"));

        foreach (var c in domain.Items("cases"))
        {
            var report = ToReport(c.GetProperty("report"));
            Assert.Equal(c.B32("digest"), signing.Digest(report));

            var signature = signing.Sign(report, new EthECKey(c.Str("signerKey")));
            Assert.Equal(c.Str("signature"), "0x" + Convert.ToHexStringLower(signature));
            Assert.Equal(c.Str("signer"), signing.Recover(report, signature).ToLowerInvariant());
        }
    }

    [Fact]
    public void A_tampered_report_recovers_another_signer()
    {
        var domain = Data.GetProperty("domains")[0];
        var c = domain.Items("cases").First();
        var signing = new ReportSigning(domain.Big("chainId"), domain.Str("verifyingContract"));
        var report = ToReport(c.GetProperty("report"));
        var signature = signing.Sign(report, new EthECKey(c.Str("signerKey")));

        report.TotalPayout += 1;
        Assert.NotEqual(c.Str("signer"), signing.Recover(report, signature).ToLowerInvariant());
        var otherChain = new ReportSigning(domain.Big("chainId") + 1, domain.Str("verifyingContract"));
        Assert.NotEqual(signing.Digest(ToReport(c.GetProperty("report"))), otherChain.Digest(ToReport(c.GetProperty("report"))));
    }

    internal static Report ToReport(System.Text.Json.JsonElement r) => new()
    {
        MarketId = r.Big("marketId"),
        Round = (uint)r.Big("round"),
        ResultsRoot = r.B32("resultsRoot").ToArray(),
        TotalPayout = r.Big("totalPayout"),
        ScoresHash = r.B32("scoresHash").ToArray(),
        MetricsHash = r.B32("metricsHash").ToArray(),
    };
}
