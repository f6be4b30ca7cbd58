using System.Globalization;

namespace Protocol.Client.Chain;

/// <summary>Times on the chain's clock, shown in local time and relative to the latest block.</summary>
public static class ChainTime
{
    /// <summary>A unix time as local time, e.g. <c>2026-12-03 14:05:00 +01:00</c>.</summary>
    public static string Local(ulong unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary><paramref name="at"/> in local time and relative to <paramref name="now"/>: <c>… (in 3 h)</c>, <c>… (2 min ago)</c>.</summary>
    public static string Describe(ulong at, ulong now) =>
        $"{Local(at)} ({(at > now ? "in " + Span(at - now) : at == now ? "now" : Span(now - at) + " ago")})";

    /// <summary>A duration in its two largest units: <c>44 d 23 h</c>, <c>3 h</c>, <c>12 min 5 s</c>.</summary>
    public static string Span(ulong seconds)
    {
        (ulong Size, string Unit)[] units = [(86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")];
        var i = Array.FindIndex(units, u => seconds >= u.Size);
        if (i < 0)
        {
            return "0 s";
        }

        var first = $"{(seconds / units[i].Size).ToString(CultureInfo.InvariantCulture)} {units[i].Unit}";
        var rest = i + 1 < units.Length ? seconds % units[i].Size / units[i + 1].Size : 0;
        return rest == 0 ? first : $"{first} {rest.ToString(CultureInfo.InvariantCulture)} {units[i + 1].Unit}";
    }
}
