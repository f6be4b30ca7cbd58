namespace Protocol.Economics.Bench;

/// <summary>Mean, sample standard deviation, range and share below zero of a sample.</summary>
internal sealed record Stats(int N, double Mean, double Sd, double Min, double Max, double ShareNegative)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var x = values.ToArray();
        if (x.Length == 0)
        {
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var mean = x.Average();
        var sd = x.Length > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)) : 0;
        return new Stats(x.Length, mean, sd, x.Min(), x.Max(), x.Count(v => v < 0) / (double)x.Length);
    }
}
