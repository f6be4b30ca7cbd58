using Microsoft.Extensions.Logging;

namespace Protocol.ServiceDefaults;

/// <summary>Console logging for the long-running commands: readable text, or one JSON object per line for log shippers.</summary>
public static class ServiceLogging
{
    public static void Configure(ILoggingBuilder logging, string format)
    {
        logging.ClearProviders();
        if (format == "json")
        {
            logging.AddJsonConsole();
        }
        else
        {
            logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ");
        }
    }
}
