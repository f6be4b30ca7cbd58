using Protocol.Indexer.Schema;
using Protocol.TestSupport;

namespace Protocol.Indexer.Tests;

public sealed class SchemaTests
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
}
