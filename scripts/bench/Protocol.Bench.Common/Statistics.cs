namespace Protocol.Bench.Common;

/// <summary>
/// Mean, sample standard deviation, range, 10th and 90th percentiles (linear interpolation between order
/// statistics) and share below zero of a sample.
/// </summary>
public sealed record Stats(int N, double Mean, double Sd, double Min, double Max, double ShareNegative)
{
    public double P10 { get; init; } = double.NaN;

    public double P90 { get; init; } = double.NaN;

    public static Stats Of(IEnumerable<double> values)
    {
        var x = values.ToArray();
        if (x.Length == 0)
        {
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var mean = x.Average();
        var sd = x.Length > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)) : 0;
        var sorted = x.Order().ToArray();
        return new Stats(x.Length, mean, sd, sorted[0], sorted[^1], x.Count(v => v < 0) / (double)x.Length)
        {
            P10 = Percentile(sorted, 0.1),
            P90 = Percentile(sorted, 0.9),
        };
    }

    private static double Percentile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
