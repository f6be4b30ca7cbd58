using System.Diagnostics;
using System.Globalization;

/// <summary>
/// CPU time used so far by this process (the indexer), the chain node and PostgreSQL's processes: on a
/// machine of two cores the three share the CPU, so a run's figures depend on all of them.
/// </summary>
internal sealed record CpuTimes(double Indexer, double Node, double Postgres)
{
    public static CpuTimes Take() => new(
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, Sum("anvil"), Sum("postgres"));

    public static CpuTimes operator -(CpuTimes a, CpuTimes b) => new(a.Indexer - b.Indexer, a.Node - b.Node, a.Postgres - b.Postgres);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"indexer {Indexer:0.00}, anvil {Node:0.00}, PostgreSQL {Postgres:0.00}, total {Indexer + Node + Postgres:0.00}");

    // From /proc/<pid>/stat (utime + stime, in ticks of 1/100 s): .NET names PostgreSQL's back-ends after
    // their rewritten command lines, so they are matched on the kernel's name instead. Processes that exit
    // between two readings drop out of the sum; the cluster's back-ends stay (pooled connections).
    private static double Sum(string name)
    {
        var total = 0.0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // not a process, or it exited meanwhile
            }

            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || stat.AsSpan(open + 1, close - open - 1).SequenceEqual(name) is false)
            {
                continue;
            }

            var fields = stat[(close + 2)..].Split(' ');
            total += (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100;
        }

        return total;
    }
}
