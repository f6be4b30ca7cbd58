using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Protocol.ServiceDefaults;

/// <summary>
/// The generic host of the long-running services, configured the same way for all of them: the options
/// file, then <c>FMP_</c> environment variables (<c>FMP_Node__RpcUrl</c>), then the flags that were given.
/// </summary>
public static class ServiceBuilder
{
    public static HostApplicationBuilder Create(string? configFile, string section, IReadOnlyDictionary<string, string?> flags, string logFormat)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables("FMP_");
        builder.Configuration.AddInMemoryCollection(flags.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create($"{section}:{kv.Key}", kv.Value)));
        ServiceLogging.Configure(builder.Logging, logFormat);
        return builder;
    }
}
