using Nethereum.JsonRpc.Client;

namespace Protocol.Core.Retry;

/// <summary>
/// A wait that doubles with each failure in a row: <see cref="First"/>, 2 × first, 4 × first …, at most
/// <see cref="Cap"/> (and at most <see cref="MaxDoublings"/> doublings, so that no wait outgrows what a timer takes).
/// </summary>
/// <param name="First">The wait after the first failure.</param>
/// <param name="Cap">The longest wait.</param>
public readonly record struct Backoff(TimeSpan First, TimeSpan Cap)
{
    /// <summary>2^20 × first: 12 days for a first wait of one second.</summary>
    public const int MaxDoublings = 20;

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row (the first wait for 0 or 1).</summary>
    public TimeSpan After(int failures)
    {
        var doublings = Math.Clamp(failures - 1, 0, MaxDoublings);
        return First.Ticks > (Cap.Ticks >> doublings) ? Cap : TimeSpan.FromTicks(First.Ticks << doublings);
    }
}

/// <summary>
/// How the node and the indexer ride out an outage of the chain's RPC (or the indexer's database): which failures say
/// "unreachable for now" rather than "wrong" (<see cref="IsOutage"/>), how long to wait before the next try (doubling
/// from one second up to a cap, <see cref="Backoff"/>), and the clock the waits and the outage's duration are measured
/// on (a fake <see cref="TimeProvider"/> in tests). They never give up on an outage; anything else is passed on.
/// </summary>
/// <param name="cap">The longest wait between two tries (Node:OutageBackoffCap, Indexer:OutageBackoffCap).</param>
/// <param name="clock">The clock; the system's when null.</param>
/// <param name="alsoOutage">Failures of a component's own that are outages too (the indexer: transient PostgreSQL errors).</param>
public sealed class OutagePolicy(TimeSpan cap, TimeProvider? clock = null, Func<Exception, bool>? alsoOutage = null)
{
    /// <summary>1, 2, 4 … seconds, at most the cap.</summary>
    public Backoff Backoff { get; } = new(TimeSpan.FromSeconds(1), cap);

    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    /// <summary>
    /// "Unreachable for now", not "wrong": connection errors, timeouts, empty, cut or garbled answers (a provider's proxy
    /// while it is down), a cancellation that is not <paramref name="stopping"/>'s, and what <c>alsoOutage</c> names,
    /// here or in an inner exception. A JSON-RPC error (a revert, a refused range) is an answer, never an outage.
    /// </summary>
    public bool IsOutage(Exception e, CancellationToken stopping) => e switch
    {
        RpcResponseException => false,
        OperationCanceledException => !stopping.IsCancellationRequested,
        RpcClientTimeoutException or HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException
            or Newtonsoft.Json.JsonException or System.Text.Json.JsonException => true,
        _ when alsoOutage?.Invoke(e) == true => true,
        _ => e.InnerException is { } inner && IsOutage(inner, stopping),
    };

    /// <summary>Waits <paramref name="delay"/> on <see cref="Clock"/>.</summary>
    public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, Clock, cancellationToken);

    /// <summary>A counter of the failures in a row of one loop or one request, and when they began.</summary>
    public Outage Track() => new(this);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds or fails with something that is not an outage; after each
    /// outage it calls <paramref name="onOutage"/> (failures so far, the failure, the wait) and waits; once an attempt
    /// succeeds after failures it calls <paramref name="onRecovered"/> (how long the outage lasted, failures). Waits end
    /// when <paramref name="stopping"/> is cancelled.
    /// </summary>
    public async Task<T> RetryAsync<T>(
        Func<Task<T>> attempt, Action<int, Exception, TimeSpan> onOutage, Action<TimeSpan, int> onRecovered, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(onOutage);
        ArgumentNullException.ThrowIfNull(onRecovered);
        var outage = Track();
        while (true)
        {
            try
            {
                var result = await attempt().ConfigureAwait(false);
                if (outage.Recovered() is { } recovered)
                {
                    onRecovered(recovered.Lasted, recovered.Failures);
                }

                return result;
            }
            catch (Exception e) when (IsOutage(e, stopping) && !stopping.IsCancellationRequested)
            {
                var delay = outage.Failed();
                onOutage(outage.Failures, e, delay);
                await WaitAsync(delay, stopping).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>One run of failures in a row under an <see cref="OutagePolicy"/> (not thread-safe: one per loop or request).</summary>
public sealed class Outage
{
    private readonly OutagePolicy _policy;

    internal Outage(OutagePolicy policy) => _policy = policy;

    /// <summary>Failures in a row so far (0: none, or recovered).</summary>
    public int Failures { get; private set; }

    /// <summary>When the first of these failures happened.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Counts a failure and returns the wait before the next try.</summary>
    public TimeSpan Failed()
    {
        if (Failures++ == 0)
        {
            StartedAt = _policy.Clock.GetUtcNow();
        }

        return _policy.Backoff.After(Failures);
    }

    /// <summary>After a success: how long the outage lasted and how many failures it had, then starts counting afresh; null when nothing had failed.</summary>
    public (TimeSpan Lasted, int Failures)? Recovered()
    {
        if (Failures == 0)
        {
            return null;
        }

        var recovered = (_policy.Clock.GetUtcNow() - StartedAt, Failures);
        Failures = 0;
        return recovered;
    }
}
