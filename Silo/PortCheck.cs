using System.Net;
using System.Net.Sockets;

namespace Cucos.Silo;

/// <summary>
/// Orleans listens with address reuse, which on Linux lets a second silo bind the same port and silently share
/// its connections. A plain bind first tells an operator that the port is taken.
/// </summary>
public static class PortCheck
{
    public static void EnsureFree(int port, string setting)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new InvalidOperationException(
                $"port {port} ({setting}) is already in use, perhaps by another silo. Stop it, or choose a free port " +
                $"with the environment variable {setting.Replace(":", "__")}.");
        }
    }
}
