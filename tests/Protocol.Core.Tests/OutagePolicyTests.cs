using System.Net.Sockets;
using Nethereum.JsonRpc.Client;
using Protocol.Core.Retry;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>The outage policy the node and the indexer share, on a clock that moves only when told.</summary>
public sealed class OutagePolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Waits_double_from_the_first_up_to_the_cap()
    {
        var outage = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal([1, 1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 8).Select(n => outage.After(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(30), outage.After(int.MaxValue));

        // The node's evaluation retries: from Node:RetryBackoff up to Node:RetryBackoffCap.
        var retry = new Backoff(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(n => retry.After(n).TotalMinutes));

        // Without a cap that binds, the waits stop doubling after 2^20 × first; nothing overflows.
        var uncapped = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.MaxValue);
        Assert.Equal(TimeSpan.FromSeconds(1 << Backoff.MaxDoublings), uncapped.After(1_000));
        Assert.Equal(TimeSpan.FromDays(1), new Backoff(TimeSpan.FromDays(1), TimeSpan.FromDays(1)).After(1_000));
        Assert.Equal(TimeSpan.FromMilliseconds(500), new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500)).After(1));
    }

    [Fact]
    public void Unreachable_is_an_outage_an_answer_is_not()
    {
        var policy = new OutagePolicy(TimeSpan.FromSeconds(30));
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        Assert.True(policy.IsOutage(new HttpRequestException("connection refused"), default));
        Assert.True(policy.IsOutage(new SocketException(), default));
        Assert.True(policy.IsOutage(new IOException("cut"), default));
        Assert.True(policy.IsOutage(new TimeoutException(), default));
        Assert.True(policy.IsOutage(new RpcClientTimeoutException("slow"), default));
        Assert.True(policy.IsOutage(new System.Text.Json.JsonException("garbled"), default));
        Assert.True(policy.IsOutage(new Newtonsoft.Json.JsonReaderException("garbled"), default));
        Assert.True(policy.IsOutage(new InvalidOperationException("wrapped", new HttpRequestException("refused")), default));
        Assert.True(policy.IsOutage(new TaskCanceledException("an HTTP timeout"), default));

        Assert.False(policy.IsOutage(new TaskCanceledException("shutting down"), stopped.Token));
        Assert.False(policy.IsOutage(new RpcResponseException(new Nethereum.JsonRpc.Client.RpcError(3, "execution reverted")), default));
        Assert.False(policy.IsOutage(new InvalidOperationException("a bug"), default));
        Assert.False(policy.IsOutage(new FormatException("bad input"), default));
    }

    [Fact]
    public void A_components_own_outages_count_too()
    {
        var policy = new OutagePolicy(TimeSpan.FromSeconds(30), alsoOutage: e => e is DatabaseDownException);
        Assert.True(policy.IsOutage(new DatabaseDownException(), default));
        Assert.True(policy.IsOutage(new InvalidOperationException("wrapped", new DatabaseDownException()), default));
        Assert.False(new OutagePolicy(TimeSpan.FromSeconds(30)).IsOutage(new DatabaseDownException(), default));
    }

    [Fact]
    public void An_outage_counts_failures_in_a_row_and_how_long_they_lasted_on_the_clock()
    {
        var clock = new ManualClock(Start);
        var outage = new OutagePolicy(TimeSpan.FromSeconds(4), clock).Track();
        Assert.Null(outage.Recovered());

        Assert.Equal(TimeSpan.FromSeconds(1), outage.Failed());
        Assert.Equal(Start, outage.StartedAt);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), outage.Failed());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(4), outage.Failed());
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(4), outage.Failed());
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal((TimeSpan.FromSeconds(11), 4), outage.Recovered());

        // The next outage starts afresh.
        Assert.Null(outage.Recovered());
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromSeconds(1), outage.Failed());
        Assert.Equal(Start + TimeSpan.FromSeconds(11) + TimeSpan.FromMinutes(5), outage.StartedAt);
    }

    [Fact]
    public async Task Retries_wait_on_the_clock_until_the_outage_ends()
    {
        var clock = new ManualClock(Start);
        var policy = new OutagePolicy(TimeSpan.FromSeconds(30), clock);
        var attempts = 0;
        var waits = new List<(int Failures, TimeSpan Delay)>();
        (TimeSpan Lasted, int Failures)? recovered = null;

        var call = policy.RetryAsync(
            () => ++attempts <= 2 ? Task.FromException<int>(new HttpRequestException("connection refused")) : Task.FromResult(42),
            (failures, _, delay) => { lock (waits) { waits.Add((failures, delay)); } },
            (lasted, failures) => recovered = (lasted, failures),
            CancellationToken.None);

        await Until(() => waits.Count == 1);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        Assert.Equal(1, attempts); // still waiting: the clock has not reached the end of the first wait
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Until(() => waits.Count == 2);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(42, await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, attempts);
        Assert.Equal([(1, TimeSpan.FromSeconds(1)), (2, TimeSpan.FromSeconds(2))], waits);
        Assert.Equal((TimeSpan.FromSeconds(3), 2), recovered);
    }

    [Fact]
    public async Task What_is_not_an_outage_is_passed_on_at_once()
    {
        var policy = new OutagePolicy(TimeSpan.FromSeconds(30), new ManualClock(Start));
        var outages = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => policy.RetryAsync<int>(
            () => throw new InvalidOperationException("a bug"), (_, _, _) => outages++, (_, _) => { }, CancellationToken.None));
        Assert.Equal(0, outages);
    }

    [Fact]
    public async Task Stopping_ends_the_wait()
    {
        var policy = new OutagePolicy(TimeSpan.FromSeconds(30), new ManualClock(Start));
        using var stopping = new CancellationTokenSource();
        var call = policy.RetryAsync<int>(() => throw new HttpRequestException("down"), (_, _, _) => { }, (_, _) => { }, stopping.Token);
        Assert.False(call.IsCompleted);
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private sealed class DatabaseDownException : Exception;

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
