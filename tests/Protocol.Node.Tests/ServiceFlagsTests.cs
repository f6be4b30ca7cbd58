using Protocol.DevChain;
using Protocol.Indexer;
using Protocol.ServiceDefaults;

namespace Protocol.Node.Tests;

/// <summary>
/// Each option of the node and the indexer is declared once, on its options class, with its flag and description:
/// the command line, `fmp node run --help` and the guides' tables all come from there.
/// </summary>
public sealed class ServiceFlagsTests
{
    [Fact]
    public void Every_top_level_node_option_has_a_flag_and_the_help_lists_each_with_its_description()
    {
        // The Fetch and Policy groups come from the file or FMP_Node__Group__Key variables; LogWindow is computed.
        var settable = typeof(NodeOptions).GetProperties().Where(p => p.CanWrite && p.Name is not (nameof(NodeOptions.Fetch) or nameof(NodeOptions.Policy))).Select(p => p.Name);
        var flags = OptionFlags.Of(typeof(NodeOptions));
        Assert.Equal(settable.Order(StringComparer.Ordinal), flags.Select(f => f.Key).Order(StringComparer.Ordinal));
        var names = flags.SelectMany(f => f.Names).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(flags, f => Assert.False(string.IsNullOrWhiteSpace(f.Description), f.Key));

        foreach (var (path, options, section) in new[] { ("node", typeof(NodeOptions), "Node"), ("indexer", typeof(IndexerOptions), "Indexer") })
        {
            var (exit, help) = CommandHelpTests.Help([path, "run"]);
            Assert.Equal(0, exit);
            Assert.Contains("--config <FILE>", help, StringComparison.Ordinal);
            Assert.Contains($"{section.ToUpperInvariant()} OPTIONS:", help, StringComparison.Ordinal);
            Assert.All(OptionFlags.Of(options), f =>
            {
                Assert.Contains(f.Template, help, StringComparison.Ordinal);
                Assert.Contains($"{section}:{f.Key}, ", help, StringComparison.Ordinal);
            });
        }
    }

    [Theory]
    [InlineData("operators.md", "Node")]
    [InlineData("analysts.md", "Indexer")]
    public void The_guides_flag_tables_are_the_options_declarations(string guide, string section)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "docs", guide)).ReplaceLineEndings("\n");
        var start = text.IndexOf($"<!-- flags: {section} -->\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/{guide} has no <!-- flags: {section} --> table");
        start += $"<!-- flags: {section} -->\n".Length;
        var end = text.IndexOf("<!-- /flags -->", start, StringComparison.Ordinal);
        var expected = OptionFlags.Markdown(section == "Node" ? typeof(NodeOptions) : typeof(IndexerOptions), section);
        Assert.True(expected == text[start..end], $"docs/{guide}'s flag table differs from the options' declarations; it should read:\n{expected}");
    }

    [Fact]
    public void Flags_are_read_in_both_forms_and_mistakes_are_named()
    {
        var (values, problems) = OptionFlags.Parse(["--rpc", "http://127.0.0.1:8545", "-k", "oracle.json", "--metrics-port=0", "--start-block", "12"], typeof(NodeOptions));
        Assert.Empty(problems);
        Assert.Equal("http://127.0.0.1:8545", values["RpcUrl"]);
        Assert.Equal("oracle.json", values["Keystore"]);
        Assert.Equal("0", values["MetricsPort"]);
        Assert.Equal("12", values["StartBlock"]);

        (values, problems) = OptionFlags.Parse(["--metric-port", "9", "--rpc", "a", "--rpc", "b", "--backend"], typeof(NodeOptions));
        Assert.Equal(
            ["unknown option --metric-port (did you mean --metrics-port?)", "--rpc is given twice", "--backend needs a value (<BACKEND>)"],
            problems);
        Assert.Equal("a", values["RpcUrl"]);
        Assert.False(values.ContainsKey("MetricsPort"));

        // Messages name an option the same way, from the same declaration.
        Assert.Equal("Node:MetricsPort (--metrics-port)", OptionFlags.Label(typeof(NodeOptions), "Node", nameof(NodeOptions.MetricsPort)));
        Assert.Equal("Node:Keystore (--keystore)", OptionFlags.Label(typeof(NodeOptions), "Node", nameof(NodeOptions.Keystore)));
        Assert.Equal("Node:Fetch", OptionFlags.Label(typeof(NodeOptions), "Node", nameof(NodeOptions.Fetch)));
    }
}
