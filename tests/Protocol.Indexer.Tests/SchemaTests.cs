using System.Text.RegularExpressions;
using Protocol.Core.Contracts;
using Protocol.DevChain;
using Protocol.Indexer.Schema;
using Protocol.TestSupport;

namespace Protocol.Indexer.Tests;

public sealed partial class SchemaTests
{
    private const string Header = "-- Event tables, one per protocol event (generated from the C# bindings by\n-- Protocol.Indexer.Schema.EventTables.CreateSql; SchemaTests fails when they differ).\n\n";

    [Fact]
    public void Event_table_migration_matches_the_bindings()
    {
        var expected = Header + EventTables.CreateSql();
        var (_, committed) = Migrator.Migrations.Single(m => m.Name == "0002_events");
        if (committed != expected)
        {
            var path = Path.Combine(RepositoryLayout.Root, "out", "expected-0002_events.sql");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
            Assert.Fail($"src/Protocol.Indexer/Schema/0002_events.sql is out of date with the bindings; the expected file is at {path}");
        }
    }

    [Fact]
    public void Every_protocol_event_has_a_table_and_names_are_snake_case()
    {
        var names = EventTables.All.Select(t => t.Name).ToList();
        Assert.Contains("market_created", names);
        Assert.Contains("report_accepted", names);
        Assert.Contains("oracle_bonded", names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal("task_pool_uri", EventTables.Snake("taskPoolURI"));
        var created = EventTables.All.Single(t => t.Name == "market_created");
        Assert.Equal(["market_id", "sponsor", "token", "reward_pool"], created.Columns.Take(4).Select(c => c.Name));
    }

    // The views spell the contract's MarketStatus and Phase in SQL (migrations are history, so they stay SQL): every
    // name they produce or test must be the C# enum's, which a Core test checks against the contracts.
    [Fact]
    public void The_markets_view_produces_exactly_the_market_status_names()
    {
        var view = LatestView("markets");
        var produced = Quoted().Matches(view).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(Enum.GetValues<MarketStatus>().Select(s => s.Name()).Order(StringComparer.Ordinal), produced.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_market_phases_view_tests_status_names_and_produces_phase_names()
    {
        var view = LatestView("market_phases");
        var statuses = Enum.GetValues<MarketStatus>().Select(s => s.Name()).ToHashSet();
        var tested = StatusTest().Matches(view).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(tested);
        Assert.All(tested, s => Assert.Contains(s, statuses));

        var phases = MarketPhases.Reachable.Select(p => p.Name()).ToHashSet();
        var produced = Quoted().Matches(view).Select(m => m.Groups[1].Value).ToList();
        Assert.All(produced, p => Assert.Contains(p.EndsWith(" (due)", StringComparison.Ordinal) ? p[..^" (due)".Length] : p, phases));
        // Whatever the CASE leaves alone is the stored status, named as the settled phase it records.
        Assert.Contains("ELSE m.status", view, StringComparison.Ordinal);
        Assert.All(MarketPhases.Reachable.Where(p => p.IsSettled()), p => Assert.Equal(p.Name(), p.StoredAs()!.Value.Name()));
        Assert.Equal(phases.Where(p => !MarketPhases.TryParse(p, out var phase) || !phase.IsSettled()).Order(StringComparer.Ordinal),
            produced.Where(p => !p.EndsWith(" (due)", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal));
    }

    // The newest CREATE [OR REPLACE] VIEW <name> AS … ; among the migrations.
    private static string LatestView(string name)
    {
        var definitions = Migrator.Migrations
            .Select(m => Regex.Match(m.Sql, $@"CREATE (?:OR REPLACE )?VIEW {name} AS(.*?);", RegexOptions.Singleline))
            .Where(m => m.Success)
            .ToList();
        Assert.NotEmpty(definitions);
        return definitions[^1].Groups[1].Value;
    }

    // A CASE's results: THEN 'x' or ELSE 'x'.
    [GeneratedRegex(@"(?:THEN|ELSE) '([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"WHEN '([^']*)' THEN")]
    private static partial Regex StatusTest();

}
