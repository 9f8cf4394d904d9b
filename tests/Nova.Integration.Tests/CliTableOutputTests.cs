using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// The CLI, run as a child process with its output in a pipe (as a script reads it), prints
/// tables whole: a long title is not cut, nothing is padded to a width, and the terminal is
/// sent no control codes.
/// </summary>
public sealed class CliTableOutputTests(TopologyFixture topology) : IClassFixture<TopologyFixture>
{
    [Fact]
    public async Task Incident_list_into_a_pipe_prints_a_long_title_whole_with_no_padding()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await topology.NewServiceAsync(ct);
        var title = "Checkout latency above SLO 🚨 " + string.Concat(Enumerable.Repeat("p99 over 2 s on every pod of payments-api; ", 5)).TrimEnd();
        await topology.AlertmanagerOkAsync(service, Am.Message("g-long", Am.Alert("CheckoutLatency", "2026-12-04T09:00:00Z", summary: title)), ct);

        var run = await NovaCli.RunAsync(["incident", "list", "--tenant", tenant.Slug], ct, topology.Topology.Info.ControlUrl, topology.Topology.OperatorKey);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^ID {3,}REGION {3,}SERVICE {3,}STATUS {3,}SEVERITY {3,}ALERTS {3,}VER {3,}OPENED {3,}TITLE$", lines[0]);
        Assert.EndsWith("   " + title, lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"trailing space: '{l}'"));
    }
}
