using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// A request the server refuses is reported in the words of the command line: the option the
/// user typed (<c>--home</c>), not the API's field (<c>homeRegion</c>); one line, exit code 1.
/// </summary>
public sealed class CliServerErrorTests(TopologyFixture topology) : IClassFixture<TopologyFixture>
{
    [Fact]
    public async Task Refused_values_are_named_by_the_option_that_carried_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var home = await RunAsync(["service", "create", "payments", "--tenant", tenant.Slug, "--home", "us-east-1"], ct);
        var stale = await RunAsync(["service", "create", "payments", "--tenant", tenant.Slug, "--home", "eu-west-1", "--stale-after", "-5"], ct);
        var owner = await RunAsync(["tenant", "create", "globex", "--plan", "team", "--allowed-regions", "eu-west-1", "--region-owner", "us-east-1=SRE US <sre@globex.example>"], ct);
        var status = await RunAsync(["incident", "list", "--tenant", tenant.Slug, "--status", "bogus", "--since", "yesterday"], ct);

        Assert.Equal($"error: --home: 'us-east-1' is outside {tenant.Slug}'s residency policy; valid for {tenant.Slug}: eu-west-1, eu-central-1", Assert.Single(home.ErrorLines));
        Assert.StartsWith("error: --stale-after: Auto-resolve after 1 to 43200 minutes", Assert.Single(stale.ErrorLines), StringComparison.Ordinal);
        Assert.Equal("error: --region-owner us-east-1: 'us-east-1' is not one of the tenant's allowed regions (eu-west-1)", Assert.Single(owner.ErrorLines));
        Assert.StartsWith("error: --status: Must be one of: ", Assert.Single(status.ErrorLines), StringComparison.Ordinal);
        Assert.Contains("; --since: Must be an RFC 3339 time", status.ErrorLines[0], StringComparison.Ordinal);
        Assert.All([home, stale, owner, status], run => Assert.True(run.ExitCode == 1, run.ToString()));
        Assert.DoesNotContain(".;", status.ErrorLines[0], StringComparison.Ordinal);
    }

    private Task<CliRun> RunAsync(string[] args, CancellationToken ct) =>
        NovaCli.RunAsync(args, ct, topology.Topology.Info.ControlUrl, topology.Topology.OperatorKey);
}
