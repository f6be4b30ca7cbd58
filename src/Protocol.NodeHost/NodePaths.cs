using Microsoft.Extensions.Configuration;
using Protocol.Node;

namespace Protocol.NodeHost;

/// <summary>
/// Relative paths written in an options file are read from that file's folder (so <c>--config /srv/node/node.json</c>
/// finds <c>/srv/node/oracle.json</c> from anywhere); paths from flags or FMP_ variables stay relative to the current folder.
/// </summary>
public static class NodePaths
{
    public static void Resolve(NodeOptions options, string? configFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (configFile is null)
        {
            return;
        }

        var path = Path.GetFullPath(configFile);
        var folder = Path.GetDirectoryName(path)!;
        var file = new ConfigurationBuilder().AddJsonFile(path).Build().GetSection("Node");
        string Resolve(string value, string key) =>
            !string.IsNullOrEmpty(value) && !Path.IsPathRooted(value) && value == file[key] ? Path.GetFullPath(value, folder) : value;
        options.Keystore = Resolve(options.Keystore, nameof(NodeOptions.Keystore));
        options.PasswordFile = Resolve(options.PasswordFile, nameof(NodeOptions.PasswordFile));
        options.OutputFolder = Resolve(options.OutputFolder, nameof(NodeOptions.OutputFolder));
    }
}
