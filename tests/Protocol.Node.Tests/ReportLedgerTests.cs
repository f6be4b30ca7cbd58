using Dapper;
using Nethereum.Signer;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Hashing;
using Protocol.Core.Reports;
using Protocol.DevChain;
using Protocol.Node.Signing;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>The equivocation guard on a real PostgreSQL database.</summary>
public sealed class ReportLedgerTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Market = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private static readonly ReportSigning Signing = new(31337, Market);
    private static readonly EthECKey Key = new(AnvilFixture.DevPrivateKeys[1]);

    private static Report NewReport(long market, uint round, string root) => new()
    {
        MarketId = market, Round = round, ResultsRoot = Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(root)).ToArray(),
        TotalPayout = 1000, ScoresHash = new byte[32], MetricsHash = new byte[32],
    };

    private async Task<ReportLedger> LedgerAsync()
    {
        var ledger = new ReportLedger(db.DataSource, 31337, Market, Key.GetPublicAddress());
        await ledger.EnsureSchemaAsync(CancellationToken.None);
        return ledger;
    }

    [Fact]
    public async Task Same_digest_gets_the_persisted_signature_and_a_different_one_is_refused()
    {
        var ledger = await LedgerAsync();
        var signs = 0;
        var report = NewReport(1, 0, "root");
        var digest = Signing.Digest(report);
        byte[] Sign(Report r) { signs++; return Signing.Sign(r, Key); }

        var first = await ledger.SignOnceAsync(report, digest, () => Sign(report), CancellationToken.None);
        var again = await ledger.SignOnceAsync(report, digest, () => Sign(report), CancellationToken.None);
        Assert.Equal(first.Signature, again.Signature);
        Assert.Equal(1, signs);
        Assert.Equal(Key.GetPublicAddress(), Signing.Recover(report, first.Signature));

        var other = NewReport(1, 0, "another root");
        var refused = await Assert.ThrowsAsync<EquivocationRefusedException>(() =>
            ledger.SignOnceAsync(other, Signing.Digest(other), () => Sign(other), CancellationToken.None));
        Assert.Equal(digest, refused.SignedDigest);
        Assert.Equal(1, signs);

        // A new round (after an overturn) and another market are independent.
        var nextRound = NewReport(1, 1, "another root");
        await ledger.SignOnceAsync(nextRound, Signing.Digest(nextRound), () => Sign(nextRound), CancellationToken.None);
        var otherMarket = NewReport(2, 0, "another root");
        await ledger.SignOnceAsync(otherMarket, Signing.Digest(otherMarket), () => Sign(otherMarket), CancellationToken.None);
        Assert.Equal(3, signs);
    }

    [Fact]
    public async Task Concurrent_signers_of_one_round_sign_exactly_one_digest()
    {
        var ledgers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LedgerAsync())); // as if four node processes
        var signs = 0;
        var attempts = Enumerable.Range(0, 16).Select(async i =>
        {
            var report = NewReport(77, 3, $"root {i % 5}");
            try
            {
                return (await ledgers[i % 4].SignOnceAsync(report, Signing.Digest(report), () => { Interlocked.Increment(ref signs); return Signing.Sign(report, Key); }, CancellationToken.None)).Digest;
            }
            catch (EquivocationRefusedException)
            {
                return (Bytes32?)null;
            }
        });
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, signs);
        var signed = results.OfType<Bytes32>().Distinct().ToList();
        Assert.Single(signed);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(signed[0].ToString(), await connection.ExecuteScalarAsync<string>("SELECT digest FROM oracle_reports WHERE market_id = 77 AND round = 3"));
    }
}
