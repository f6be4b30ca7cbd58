namespace Protocol.TestSupport;

/// <summary>
/// A clock that moves only when told (<see cref="Advance"/>), for code that takes a <see cref="TimeProvider"/>: tests
/// walk through hours of backoffs and deadlines without waiting. Timers created from it fire as it passes their due time.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<Timer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Moves the clock forward and fires the timers that came due.</summary>
    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (_gate)
        {
            _now += by;
            due = [.. _timers.Where(t => t.DueAt <= _now)];
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    /// <summary>
    /// How far ahead of now the earliest pending timer is due, once code under test has started one (a wait on this
    /// clock): waits up to <paramref name="patience"/> of real time for it. Advancing by exactly that walks a
    /// backoff one wait at a time.
    /// </summary>
    public async Task<TimeSpan> NextDueAsync(TimeSpan patience)
    {
        var give = DateTime.UtcNow + patience;
        while (true)
        {
            lock (_gate)
            {
                var due = _timers.Select(t => t.DueAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                if (due != DateTimeOffset.MaxValue)
                {
                    return due - _now;
                }
            }

            if (DateTime.UtcNow > give)
            {
                throw new TimeoutException($"no timer was started on the manual clock within {patience}");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : clock._now + dueTime;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }
            }

            if (dueTime == TimeSpan.Zero)
            {
                Fire();
            }

            return true;
        }

        public void Fire()
        {
            lock (clock._gate)
            {
                DueAt = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? DateTimeOffset.MaxValue : DueAt + _period;
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
