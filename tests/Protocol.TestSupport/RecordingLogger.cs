using Microsoft.Extensions.Logging;

namespace Protocol.TestSupport;

/// <summary>Keeps every log entry's event name and structured values, for tests that check what was logged.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(string Event, IReadOnlyDictionary<string, object?> Values)> _entries = [];

    public IReadOnlyList<(string Event, IReadOnlyDictionary<string, object?> Values)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
        lock (_entries)
        {
            _entries.Add((eventId.Name ?? "", values));
        }
    }
}
