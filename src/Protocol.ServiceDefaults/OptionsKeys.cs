using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Protocol.Client;

namespace Protocol.ServiceDefaults;

/// <summary>
/// Unknown keys in an options section (the file or FMP_ variables): the configuration binder ignores them silently,
/// so a misspelt "MetricPort" would leave the default in force. Each is named with the nearest valid name.
/// </summary>
public static class OptionsKeys
{
    public static List<string> Unknown(IConfiguration configuration, string section, Type options)
    {
        var problems = new List<string>();
        Check(configuration.GetSection(section), section, options, problems);
        return problems;
    }

    private static void Check(IConfigurationSection section, string path, Type type, List<string> problems)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var nearest = DidYouMean.Nearest(child.Key, properties.Select(p => p.Name));
                problems.Add($"unknown option {path}:{child.Key}" + (nearest is null ? "" : $" (did you mean {path}:{nearest}?)"));
            }
            else if (IsNested(property.PropertyType))
            {
                Check(child, $"{path}:{property.Name}", property.PropertyType, problems);
            }
        }
    }

    // Option groups (Fetch, LogWindow …) are checked inside; values, lists and dictionaries are not.
    private static bool IsNested(Type t) =>
        t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t) && t.Namespace?.StartsWith("Protocol.", StringComparison.Ordinal) == true;
}
