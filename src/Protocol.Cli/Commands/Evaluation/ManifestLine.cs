using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Protocol.Cli.Commands.Evaluation;

/// <summary>One line of <c>fmp evaluate</c>'s curator manifest, or what is wrong with it (file, line and field named).</summary>
internal readonly record struct ManifestLine(string? Address, BigInteger Stake, string? Labels, string? Problem)
{
    public static ManifestLine Parse(string line, string file, int number, BigInteger stakeCap)
    {
        ManifestLine Fail(string problem) => new(null, 0, null, $"{file}:{number}: {problem}");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return Fail($"not valid JSON ({Protocol.Core.Files.JsonErrors.Describe(e, singleLine: true)})");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("each line must be one JSON object {\"address\":\"0x…\",\"stake\":\"…\",\"labels\":\"path\"|null}");
            }

            if (!root.TryGetProperty("address", out var a) || a.ValueKind != JsonValueKind.String || a.GetString() is not { Length: 42 } address || !address.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                return Fail("\"address\" must be the curator's 0x address (42 characters) as a string");
            }

            if (!root.TryGetProperty("stake", out var s) || s.ValueKind != JsonValueKind.String
                || !BigInteger.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var stake))
            {
                return Fail("\"stake\" must be the stake in base units as a decimal string, e.g. \"50000000000000000000\" (JSON numbers lose precision above 2^53)");
            }

            if (stake > stakeCap)
            {
                return Fail($"stake {stake} is above the stake cap {stakeCap} (--stake-cap); the contract would refuse the commit");
            }

            string? labels = null;
            if (root.TryGetProperty("labels", out var l) && l.ValueKind != JsonValueKind.Null)
            {
                if (l.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(l.GetString()))
                {
                    return Fail("\"labels\" must be the label file's path (relative to the manifest) or null for a curator who never revealed");
                }

                labels = l.GetString();
            }

            return new ManifestLine(address, stake, labels, null);
        }
    }
}
