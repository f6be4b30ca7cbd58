using System.Diagnostics;
using Microsoft.Extensions.Logging;

/// <summary>With FMP_BENCH_TRACE=1 the indexer's log lines go to the console, each with the milliseconds since the run started.</summary>
internal sealed class TraceLogger<T> : ILogger<T>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CpuTimes _cpu = CpuTimes.Take();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Console.WriteLine($"  {_clock.Elapsed.TotalMilliseconds,8:0.0} ms (CPU {(CpuTimes.Take() - _cpu)}, alloc {GC.GetTotalAllocatedBytes(true) / 1e6:0} MB)  {formatter(state, exception)}");
}
