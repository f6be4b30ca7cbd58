using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Protocol.ServiceDefaults;

/// <summary>A background service whose failure stops the host with a non-zero exit: a half-running service should not look alive.</summary>
public abstract partial class StopsHostOnFailure(IHostApplicationLifetime lifetime, ILogger logger) : BackgroundService
{
    protected abstract Task RunAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the host must stop with an error code whatever went wrong
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fatal(logger, e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopped by an error")]
    private static partial void Fatal(ILogger logger, Exception exception);
}
