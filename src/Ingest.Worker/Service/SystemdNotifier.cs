using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ingest.Worker.Service;

/// <summary>
/// sd_notify without libsystemd: when <c>NOTIFY_SOCKET</c> is set, sends <c>READY=1</c> once every hosted service
/// (the Quartz scheduler included) has started, and <c>STOPPING=1</c> when shutdown begins.
/// </summary>
internal sealed class SystemdNotifier(IHostApplicationLifetime lifetime, ILogger<SystemdNotifier> logger) : IHostedService
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Endpoint(Environment.GetEnvironmentVariable(SocketVariable)) is { } endpoint)
        {
            lifetime.ApplicationStarted.Register(() => Notify(endpoint, "READY=1"));
            lifetime.ApplicationStopping.Register(() => Notify(endpoint, "STOPPING=1"));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The socket named by <c>NOTIFY_SOCKET</c>; a leading '@' names an abstract socket (a leading NUL byte).</summary>
    internal static UnixDomainSocketEndPoint? Endpoint(string? value)
    {
        if (string.IsNullOrEmpty(value) || !Socket.OSSupportsUnixDomainSockets || (value[0] != '/' && value[0] != '@'))
        {
            return null;
        }

        return new UnixDomainSocketEndPoint(value[0] == '@' ? "\0" + value[1..] : value);
    }

    private void Notify(UnixDomainSocketEndPoint endpoint, string state)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), endpoint);
        }
        catch (SocketException ex)
        {
            Log.NotifyFailed(logger, ex, state);
        }
    }
}
