using System.Net;
using System.Net.Sockets;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

public sealed class UpBusyPortTests
{
    [Fact]
    public async Task Up_on_a_port_in_use_is_one_line_exit_code_1_and_creates_no_data_folder()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), "nova-busy-" + Guid.NewGuid().ToString("N")[..12]);

        // The region's port (base + 1) is the busy one, so the check must cover more than the base.
        using var busy = ListenWithFreePortBelow();
        var basePort = ((IPEndPoint)busy.LocalEndpoint).Port - 1;

        var run = await NovaCli.RunAsync(["up", "--data", folder, "--regions", "eu-west-1", "--base-port", basePort.ToString()], ct);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal([$"error: Port {basePort + 1} is in use (another 'nova up'?); stop it or pass --base-port."], run.ErrorLines);
        Assert.False(Directory.Exists(folder), "a refused start must leave no data folder behind");
    }

    private static TcpListener ListenWithFreePortBelow()
    {
        for (var attempt = 0; ; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            if (Ports.IsFree(((IPEndPoint)listener.LocalEndpoint).Port - 1) || attempt >= 20)
            {
                return listener;
            }

            listener.Stop();
        }
    }
}
