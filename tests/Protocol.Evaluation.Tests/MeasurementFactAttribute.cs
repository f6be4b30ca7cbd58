namespace Protocol.Evaluation.Tests;

/// <summary>
/// A measurement that writes the figures a document quotes and asserts what it claims, run on demand: skipped (and
/// counted as skipped) unless <see cref="Variable"/> is set, since it takes minutes rather than seconds.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MeasurementFactAttribute : FactAttribute
{
    public MeasurementFactAttribute(string variable)
    {
        Variable = variable;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            Skip = $"a measurement: set {variable} to run it";
        }
    }

    /// <summary>The environment variable that turns the measurement on.</summary>
    public string Variable { get; }
}
