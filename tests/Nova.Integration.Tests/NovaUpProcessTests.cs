using System.Diagnostics;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// <c>nova up</c> as a user runs it: its own process, what it prints, SIGTERM (what Ctrl-C and
/// service managers send) stopping it cleanly, and a second start on the same data folder.
/// </summary>
public sealed class NovaUpProcessTests
{
    [Fact]
    public async Task Up_prints_where_everything_is_stops_cleanly_on_SIGTERM_and_after_a_restart_names_the_tenants_it_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), "nova-up-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(folder, "data");
        // HOME too: nova up records its data folder in ~/.nova-last-up, which must not be the developer's.
        var environment = new Dictionary<string, string> { ["HOME"] = Path.Combine(folder, "home"), ["NOVA_DATA"] = data };
        Directory.CreateDirectory(environment["HOME"]);
        var port = Ports.FreeRun(2);
        string[] up = ["up", "--data", data, "--regions", "eu-west-1", "--base-port", port.ToString()];
        try
        {
            var (first, firstLines) = await StartAsync(up, environment, ct);
            var created = await NovaCli.RunAsync(["tenant", "create", "acme", "--allowed-regions", "eu-west-1"], ct, environment: environment);
            var firstExit = await StopAsync(first, ct);
            var (second, secondLines) = await StartAsync(up, environment, ct);
            var secondExit = await StopAsync(second, ct);

            Assert.Contains(firstLines, l => l.StartsWith("Nova is up (", StringComparison.Ordinal));
            Assert.Contains($"  control plane  http://127.0.0.1:{port}", firstLines);
            Assert.Contains($"  eu-west-1      http://127.0.0.1:{port + 1}", firstLines);
            Assert.Contains($"  data folder    {data}", firstLines);
            Assert.Contains($"  operator key   {Path.Combine(data, "control", "operator.key")}", firstLines);
            Assert.Equal("Next: nova tenant create acme --plan business --allowed-regions eu-west-1. Ctrl-C stops.", firstLines[^1]);
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.Equal((0, true), (firstExit.Code, firstExit.Stderr.Contains("stopped; data kept in " + data, StringComparison.Ordinal)));
            Assert.Equal("Tenants here: acme; e.g. nova incident list --tenant acme. Ctrl-C stops.", secondLines[^1]);
            Assert.Equal(0, secondExit.Code);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Starts nova up and reads its standard output up to the line that ends its start.</summary>
    private static async Task<(Process Process, List<string> Lines)> StartAsync(string[] args, Dictionary<string, string> environment, CancellationToken ct)
    {
        var process = Process.Start(NovaCli.StartInfo(args, environment: environment))!;
        var lines = new List<string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.EndsWith("Ctrl-C stops.", StringComparison.Ordinal))
                {
                    return (process, lines);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"nova up did not finish starting; it printed:\n{string.Join('\n', lines)}\n{await process.StandardError.ReadToEndAsync(ct)}");
    }

    /// <summary>Sends SIGTERM, as a service manager or Ctrl-C in a terminal would, and waits for the exit.</summary>
    private static async Task<(int Code, string Stderr)> StopAsync(Process process, CancellationToken ct)
    {
        using (process)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await kill.WaitForExitAsync(ct);
            }

            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stderr);
        }
    }
}
