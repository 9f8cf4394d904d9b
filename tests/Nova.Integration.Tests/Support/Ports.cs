using System.Net;
using System.Net.Sockets;

namespace Nova.Integration.Tests.Support;

/// <summary>Loopback ports for tests that start nova up as a process (a later bind can still race).</summary>
internal static class Ports
{
    /// <summary>True when nothing listens on the loopback port now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A base port with <paramref name="count"/> free ports from it on.</summary>
    public static int FreeRun(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (port + count < 65536 && Enumerable.Range(port, count).All(IsFree))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no run of free ports found");
    }
}
