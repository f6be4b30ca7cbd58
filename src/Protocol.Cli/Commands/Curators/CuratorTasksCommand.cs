using System.ComponentModel;
using System.Globalization;
using Protocol.Client;
using Protocol.Client.Chain;
using Protocol.Client.Markets;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using Protocol.Evaluation.InRun;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Curators;

/// <summary><c>fmp curator tasks</c>: the items to label, from the published task pool (checked against its hash), filtered to the key's items when the spec assigns them.</summary>
public sealed class CuratorTasksCommand : AsyncCommand<CuratorTasksCommand.Settings>
{
    public sealed class Settings : MarketSettings
    {
        [CommandOption("--address <ADDRESS>")]
        [Description("The curator's address (or --keystore): a market on an assigning spec gives each address its own items.")]
        public string? Address { get; init; }

        [CommandOption("-k|--keystore <FILE>")]
        [Description("Read the address from this keystore (no password needed; or FMP_KEYSTORE).")]
        public string? Keystore { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Where to write the items (JSON Lines, the task pool's form; default tasks-<market id>.jsonl).")]
        public string? Out { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            var keystore = settings.Keystore ?? Environment.GetEnvironmentVariable("FMP_KEYSTORE");
            var address = settings.Address ?? (keystore is { Length: > 0 } ? await Protocol.Client.Signing.Keystore.AddressAsync(keystore, cancellationToken).ConfigureAwait(false) : null);
            var pool = await CuratorTaskPool.LoadAsync(m, settings.StartBlock, cancellationToken).ConfigureAwait(false);
            var mine = pool.For(address, m.Id);
            var output = Path.GetFullPath(settings.Out ?? $"tasks-{m.Id.ToString(CultureInfo.InvariantCulture)}.jsonl");
            await File.WriteAllBytesAsync(output, CanonicalWriter.ToBytes(mine.Select(ProtocolFiles.ToLine)), cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"market {m.Id}: phase {m.PhaseName}, spec {pool.Spec?.Name ?? "unknown to this fmp"}; commits until {m.At(m.Config.CommitDeadline)}").ConfigureAwait(false);
            await Console.Out.WriteLineAsync(pool.Assigns && address is not null
                ? $"{mine.Count} of the pool's {pool.Items.Count} items are assigned to {address} ({(pool.MinimumLabels > 0 ? $"label at least {pool.MinimumLabels} of them; " : "")}a label on any other item makes the file invalid) -> {output}"
                : $"{mine.Count} items to label -> {output}").ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"label file: one line per item you label, {{\"id\":\"{(mine.Count > 0 ? mine[0].Id : "…")}\",\"pref\":\"a\"}} (\"a\" or \"b\": the better response); then fmp curator commit --labels FILE --stake AMOUNT").ConfigureAwait(false);
            return 0;
        });
}
