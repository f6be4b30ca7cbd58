namespace Protocol.Node.Tests;

/// <summary>
/// A six-field ScanCron (seconds first) makes Hangfire's scheduler look every second, so that "*/5 * * * * *" scans
/// every 5 s rather than every 15 s (its default polling, which NodeProcessTests' 5-s scans would otherwise wait on);
/// the usual five fields keep the default.
/// </summary>
public sealed class ScanScheduleTests
{
    [Theory]
    [InlineData("* * * * *", 15)]
    [InlineData("*/5 * * * *", 15)]
    [InlineData("*/5 * * * * *", 1)]
    [InlineData("  0  *  * * * * ", 1)]
    public void A_schedule_with_seconds_is_polled_every_second(string cron, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), new NodeOptions { ScanCron = cron }.SchedulePolling);
}
