using Nova.Cli.Hosting;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

public sealed class DataFolderLockTests
{
    [Fact]
    public async Task Second_topology_on_the_same_data_folder_is_refused_and_the_first_keeps_its_catalog()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), "nova-lock-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var first = await LocalTopology.StartAsync(folder, ["eu-west-1"], basePort: 0, ct: ct);
            var topologyFile = await File.ReadAllTextAsync(LocalTopology.TopologyFile(folder), ct);

            // Found by a new user: a second `nova up --data SAME --base-port OTHER` started on the
            // same SQLite files and rewrote the first one's catalog and topology.json.
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalTopology.StartAsync(folder, ["eu-west-1"], basePort: 0, ct: ct));

            Assert.Contains("in use by another Nova process (pid " + Environment.ProcessId + ")", error.Message, StringComparison.Ordinal);
            Assert.Equal(topologyFile, await File.ReadAllTextAsync(LocalTopology.TopologyFile(folder), ct));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Up_on_a_data_folder_in_use_says_so_before_starting_anything()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), "nova-lock-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var first = await LocalTopology.StartAsync(folder, ["eu-west-1"], basePort: 0, ct: ct);

            var port = Ports.FreeRun(2).ToString(System.Globalization.CultureInfo.InvariantCulture);

            var run = await NovaCli.RunAsync(["up", "--data", folder, "--regions", "eu-west-1", "--base-port", port], ct);
            // Found by a new user: a folder inside the running one started a second Nova there.
            var inside = Path.Combine(folder, "control");
            var nested = await NovaCli.RunAsync(["up", "--data", inside, "--regions", "eu-west-1", "--base-port", port], ct);

            // Not "starting control plane on …" first: nothing starts.
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal([$"error: The data folder {folder} is in use by another Nova process (pid {Environment.ProcessId}); stop it, or pass another --data."], run.ErrorLines);
            Assert.Equal("", run.Stdout);
            Assert.True(nested.ExitCode == 1, nested.ToString());
            Assert.Equal([$"error: The data folder {inside} is in use by another Nova process (pid {Environment.ProcessId}); stop it, or pass another --data."], nested.ErrorLines);
            Assert.False(Directory.Exists(Path.Combine(inside, "control")), "nothing may be created inside the running Nova's folder");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
