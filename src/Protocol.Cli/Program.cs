using Protocol.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("fmp");
    config.AddBranch("indexer", indexer =>
    {
        indexer.SetDescription("Mirror the protocol's events into PostgreSQL for analysts.");
        indexer.AddCommand<IndexerRunCommand>("run").WithDescription("Backfill, then follow the chain head (reorg-safe); stops on Ctrl+C or SIGTERM.");
    });
});
return await app.RunAsync(args);
