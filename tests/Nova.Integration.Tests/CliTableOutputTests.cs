using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// What the CLI prints, run as a child process with its output in a pipe (as a script reads
/// it): tables whole (a long title is not cut, nothing is padded to a width), and nothing that
/// came from a sender or a user reaches the terminal as a control code.
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

    [Fact]
    public async Task A_key_name_with_terminal_escapes_is_printed_escaped_when_the_key_is_created_and_revoked()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);
        var name = "x \u001b[31mred\u001b[0m \u0007 bell";

        var created = await RunAsync(["api-key", "create", "--tenant", tenant.Slug, "--role", "viewer", "--name", name], ct);
        var id = System.Text.RegularExpressions.Regex.Match(created.Stdout, @"key (key_\w+) ").Groups[1].Value;
        var revoked = await RunAsync(["api-key", "revoke", id, "--tenant", tenant.Slug], ct);
        var again = await RunAsync(["api-key", "revoke", id, "--tenant", tenant.Slug], ct);

        Assert.Contains(@"(x \u001b[31mred\u001b[0m \u0007 bell)", created.Stdout, StringComparison.Ordinal);
        Assert.Equal($@"Revoked {id} (x \u001b[31mred\u001b[0m \u0007 bell).", revoked.Stdout.TrimEnd());
        Assert.StartsWith($@"{id} (x \u001b[31mred\u001b[0m \u0007 bell) was already revoked", again.Stdout, StringComparison.Ordinal);
        Assert.All([created, revoked, again], run => Assert.DoesNotContain('\u001b', run.Stdout + run.Stderr));
    }

    [Fact]
    public async Task An_error_echoing_what_the_user_typed_escapes_its_control_characters()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var run = await NovaCli.RunAsync(["incident", "list", "--tenant", tenant.Slug, "--service", "no\u001b[2Jpe"], ct, topology.Topology.Info.ControlUrl, topology.Topology.OperatorKey);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(@"no\u001b[2Jpe", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Stderr);
    }

    private async Task<CliRun> RunAsync(string[] args, CancellationToken ct)
    {
        var run = await NovaCli.RunAsync(args, ct, topology.Topology.Info.ControlUrl, topology.Topology.OperatorKey);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }
}
