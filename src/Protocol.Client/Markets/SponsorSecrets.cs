using System.Globalization;
using System.Numerics;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;

namespace Protocol.Client.Markets;

/// <summary>What the sponsor must keep to reveal the gold set: the salt, and what it was committed with (docs/sponsors.md).</summary>
public sealed record SponsorSecrets(string ChainId, string Market, string Sponsor, string GoldHash, string Salt, string GoldUri, string GoldFile, string? GoldFeaturesFile, string? MarketId)
{
    /// <summary>
    /// The secrets for a create: a new salt, or, when an earlier run wrote the file and stopped before it recorded the
    /// market id, that run's salt, and its market if the chain has it (so a retry never creates a second market).
    /// </summary>
    public static async Task<SponsorSecrets> PrepareAsync(string path, MarketSession m, MarketPlan plan, CancellationToken cancellationToken)
    {
        var chainId = m.ChainId.ToString(CultureInfo.InvariantCulture);
        var existing = await SecretsFile.ReadAsync<SponsorSecrets>(path, "sponsor secrets file", cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            var same = existing.ChainId == chainId && string.Equals(existing.Market, m.Market, StringComparison.OrdinalIgnoreCase) && Bytes32.Parse(existing.GoldHash) == plan.GoldHash;
            if (same && existing.MarketId is not null)
            {
                return existing;
            }

            if (!same)
            {
                throw new RefusalException(existing.MarketId is { } id
                    ? $"{path} already holds the gold salt of market {id} (chain {existing.ChainId}, {existing.Market}); give another --secrets for a new market (never delete it before that market is settled)"
                    : $"{path} holds the salt of an unfinished create for another chain, contract or gold set; give another --secrets", RefusalCode.InvalidInput);
            }

            var commitment = Commitments.Gold(plan.GoldHash, Bytes32.Parse(existing.Salt));
            var count = await m.Reader.CallAsync<MarketCountFunction, BigInteger>(m.Market, new MarketCountFunction()).ConfigureAwait(false);
            for (var id = count; id >= 1 && id > count - 256; id--)
            {
                var c = (await m.Reader.QueryAsync<MarketConfigFunction, MarketConfigOutput>(m.Market, new MarketConfigFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
                if (new Bytes32(c.GoldCommitment) == commitment && string.Equals(c.Sponsor, m.Address, StringComparison.OrdinalIgnoreCase))
                {
                    var found = existing with { MarketId = id.ToString(CultureInfo.InvariantCulture) };
                    await SecretsFile.WriteAsync(path, found, cancellationToken).ConfigureAwait(false);
                    return found;
                }
            }

            return existing;
        }

        var secrets = new SponsorSecrets(chainId, m.Market, m.Address, plan.GoldHash.ToString(), Commitments.NewSalt().ToString(), plan.GoldUri, plan.Gold.Path, plan.GoldFeatures?.Path, null);
        await SecretsFile.WriteAsync(path, secrets, cancellationToken).ConfigureAwait(false);
        return secrets;
    }
}
