using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Client.Markets;
using Protocol.Client;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

/// <summary>
/// <c>fmp market create --config market.json</c>: the sponsor's market from one file. Every file is parsed and hashed,
/// the gold commitment made with a fresh salt kept in a secrets file (mode 600, written before anything is sent),
/// every rule of <c>createMarket</c> checked, the pool approved, the market created; then where each file must be
/// published, and when.
/// </summary>
public sealed class MarketCreateCommand : AsyncCommand<MarketCreateCommand.Settings>
{
    public sealed class Settings : MarketKeySettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("The market file (required): token, pool, spec, files, deadlines, stakes; docs/sponsors.md shows one.")]
        public string? Config { get; init; }

        [CommandOption("--secrets <FILE>")]
        [Description("Where the gold salt is kept (mode 600; default: the market file's name with .secrets.json). reveal-gold needs it.")]
        public string? Secrets { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var plan = await MarketPlan.ReadAsync(settings.Config ?? throw new RefusalException("--config is required: the market file (docs/sponsors.md shows one)", RefusalCode.InvalidInput), cancellationToken).ConfigureAwait(false);
            var secretsPath = Path.GetFullPath(settings.Secrets ?? Path.ChangeExtension(plan.ConfigFile, null) + ".secrets.json");
            var m = await MarketCommandSession.OpenAsync(settings, market: false, cancellationToken).ConfigureAwait(false);
            if (await m.Reader.Eth.GetCode.SendRequestAsync(plan.Token).ConfigureAwait(false) is null or "0x" or "")
            {
                throw new RefusalException($"{plan.ConfigFile}: \"token\" {plan.Token} is not a contract on chain {m.ChainId}", RefusalCode.InvalidInput);
            }

            // Before reading the token: a market contract's or another token's address is named here, not left to revert.
            var registry = await m.Reader.Eth.GetContractQueryHandler<RegistryFunction>().QueryAsync<string>(m.Market, new RegistryFunction()).ConfigureAwait(false);
            var bondToken = await m.Reader.Eth.GetContractQueryHandler<Protocol.Core.Contracts.OracleRegistryBindings.BondTokenFunction>().QueryAsync<string>(registry, new Protocol.Core.Contracts.OracleRegistryBindings.BondTokenFunction()).ConfigureAwait(false);
            if (MarketRules.TokenProblem(plan.Token, bondToken) is { } unit)
            {
                throw new RefusalException($"{plan.ConfigFile}: \"token\": {unit}; nothing was sent", RefusalCode.InvalidInput);
            }

            var token = await TokenInfo.ReadAsync(m.Reader, plan.Token).ConfigureAwait(false);
            var pool = token.Parse(plan.Pool, "\"pool\"");
            var now = (ulong)(await m.Reader.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false)).Timestamp.Value;
            var times = plan.DeadlineTimes(now);
            var parameters = new MarketParams
            {
                Token = plan.Token, RewardPool = pool,
                TaskPoolHash = plan.TaskPoolHash.ToArray(), TaskPoolURI = plan.TaskPoolUri,
                EvalSpecHash = Bytes32.Parse(plan.Spec.Hash!).ToArray(), EvalSpecURI = plan.SpecUri,
                CommitDeadline = times[0], RevealDeadline = times[1], GoldDeadline = times[2], EvaluationDeadline = times[3],
                ChallengePeriod = plan.ChallengePeriod, MinStake = token.Parse(plan.MinStake, "\"stake\".\"min\""), StakeCap = token.Parse(plan.StakeCap, "\"stake\".\"cap\""),
                SlashBps = plan.SlashBps, OracleFeeBps = plan.OracleFeeBps,
                DisputeBond = plan.DisputeBond is { } bond ? token.Parse(bond, "\"disputeBond\"") : BigInteger.Max(MarketRules.MinDisputeBond(pool), 1),
            };
            if (MarketRules.Problems(parameters, now) is { Count: > 0 } problems)
            {
                throw new RefusalException($"{plan.ConfigFile}: the contract would refuse this market, so nothing was sent:\n  - {string.Join("\n  - ", problems)}", RefusalCode.InvalidInput);
            }

            if (await GoldExposure.ProblemAsync(plan, cancellationToken).ConfigureAwait(false) is { } exposed)
            {
                throw new RefusalException($"{plan.ConfigFile}: \"gold\": {exposed}", RefusalCode.InvalidInput);
            }

            await m.RequireKeyAsync(cancellationToken).ConfigureAwait(false);
            var secrets = await SponsorSecrets.PrepareAsync(secretsPath, m, plan, cancellationToken).ConfigureAwait(false);
            if (secrets.MarketId is { } existing)
            {
                await Console.Out.WriteLineAsync($"market {existing} was already created from this file (by an earlier run; {secretsPath}); nothing was sent").ConfigureAwait(false);
                return 0;
            }

            parameters.GoldCommitment = Commitments.Gold(plan.GoldHash, Bytes32.Parse(secrets.Salt)).ToArray();

            await WriteSpecAsync(plan, cancellationToken).ConfigureAwait(false);
            await m.RequireGasMoneyAsync().ConfigureAwait(false);
            await m.ApproveAsync(token, pool, "the reward pool", cancellationToken).ConfigureAwait(false);
            var receipt = await m.SendAsync("createMarket", m.Market, new CreateMarketFunction { Params = parameters }, cancellationToken).ConfigureAwait(false);
            var id = receipt.DecodeAllEvents<MarketCreatedEvent>().Single().Event.MarketId;
            await SecretsFile.WriteAsync(secretsPath, secrets with { MarketId = id.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
            await PrintAsync(plan, parameters, token, id, secretsPath, now, cancellationToken).ConfigureAwait(false);
            return 0;
        });

    // A shipped spec's document is written where it will be published (next to the task pool), unless it is there.
    private static async Task WriteSpecAsync(MarketPlan plan, CancellationToken cancellationToken)
    {
        if (EvaluationSpecs.ByName(plan.Spec.Name) is not { } shipped || shipped.Hash != plan.Spec.Hash)
        {
            return;
        }

        var document = EvaluationSpecs.Document(shipped);
        if (File.Exists(plan.SpecFile))
        {
            if (Keccak.Hash(await File.ReadAllBytesAsync(plan.SpecFile, cancellationToken).ConfigureAwait(false)) != Bytes32.Parse(shipped.Hash!))
            {
                throw new RefusalException($"{plan.SpecFile} exists but is not the {shipped.Name} document; remove it (fmp writes it) or name it in \"spec\"", RefusalCode.InvalidInput);
            }

            return;
        }

        await File.WriteAllBytesAsync(plan.SpecFile, document, cancellationToken).ConfigureAwait(false);
    }

    private static async Task PrintAsync(MarketPlan plan, MarketParams p, TokenInfo token, BigInteger id, string secretsPath, ulong now, CancellationToken cancellationToken)
    {
        var lines = new List<string>
        {
            $"market {id} created: pool {token.Format(p.RewardPool)}, spec {plan.Spec.Name}, stakes {token.Format(p.MinStake)} to {token.Format(p.StakeCap)}",
            $"  commits until     {ChainTime.Describe(p.CommitDeadline, now)}",
            $"  reveals until     {ChainTime.Describe(p.RevealDeadline, now)}",
            $"  gold reveal until {ChainTime.Describe(p.GoldDeadline, now)} (fmp market reveal-gold --secrets {secretsPath})",
            $"  evaluation until  {ChainTime.Describe(p.EvaluationDeadline, now)}",
            $"the gold salt is in {secretsPath} (mode 600): without it the gold set cannot be revealed and the market forfeits",
            "publish now, byte for byte (curators fetch the task pool; oracles fetch the spec):",
        };
        var now1 = new List<PlannedFile> { plan.Tasks };
        if (plan.TaskFeatures is { } tf)
        {
            now1.Add(tf);
        }

        foreach (var f in now1)
        {
            var problem = await CommittedFiles.ProblemAsync(f.Uri, f.Hash, f.Kind + " file", cancellationToken).ConfigureAwait(false);
            lines.Add($"  {f.Path} -> {f.Uri}{(problem is null ? " (served: ok)" : " (not served yet)")}");
        }

        lines.Add($"  {plan.SpecFile} -> {plan.SpecUri}");
        lines.Add($"keep secret until the gold reveal (after {ChainTime.Local(p.RevealDeadline)}, before {ChainTime.Local(p.GoldDeadline)}):");
        lines.Add($"  {plan.Gold.Path} -> {plan.Gold.Uri}");
        if (plan.GoldFeatures is { } gf)
        {
            lines.Add($"  {gf.Path} -> {gf.Uri}");
        }

        if (plan.SpecWarning is { } warning)
        {
            lines.Add("warning: " + warning);
        }

        lines.Add($"next: export FMP_MARKET_ID={id}; fmp market status");
        foreach (var line in lines)
        {
            await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        }
    }
}

/// <summary>What the sponsor must keep to reveal the gold set: the salt, and what it was committed with (docs/sponsors.md).</summary>
internal sealed record SponsorSecrets(string ChainId, string Market, string Sponsor, string GoldHash, string Salt, string GoldUri, string GoldFile, string? GoldFeaturesFile, string? MarketId)
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
