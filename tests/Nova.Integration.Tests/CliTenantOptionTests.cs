using System.CommandLine;
using System.Text.Json;
using Nova.Cli.Commands;
using Nova.Contracts;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// Every command that works inside one tenant names it the same way, <c>--tenant SLUG</c> or
/// <c>-t SLUG</c>; a tenant's own key needs neither. The positional spellings from before
/// (<c>service list acme</c>, <c>api-key revoke acme KEY</c>, <c>service create acme/payments</c>)
/// still work. The CLI runs as a child process against the fixture's control plane.
/// </summary>
public sealed class CliTenantOptionTests(TopologyFixture topology) : IClassFixture<TopologyFixture>
{
    [Theory]
    [InlineData("service create")]
    [InlineData("service list")]
    [InlineData("api-key create")]
    [InlineData("api-key list")]
    [InlineData("api-key revoke")]
    [InlineData("incident list")]
    [InlineData("incident show")]
    [InlineData("incident ack")]
    [InlineData("incident resolve")]
    [InlineData("incident note")]
    [InlineData("audit")]
    public void A_tenant_scoped_command_has_the_tenant_option_and_no_visible_tenant_argument(string path)
    {
        Command command = NovaCommand.Create();
        foreach (var name in path.Split(' '))
        {
            command = command.Subcommands.Single(c => c.Name == name);
        }

        var option = Assert.Single(command.Options, o => o.Name == "--tenant");
        Assert.Contains("-t", option.Aliases);
        Assert.DoesNotContain(command.Arguments, a => !a.Hidden && a.Name.Contains("tenant", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_shows_the_tenant_option_and_no_tenant_argument_for_service_list()
    {
        var ct = TestContext.Current.CancellationToken;

        var help = await NovaCli.RunAsync("service list --help", ct);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("nova service list [options]", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("-t, --tenant <slug>", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_create_and_list_name_the_tenant_with_the_tenant_option()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var created = await RunAsync($"service create payments --tenant {tenant.Slug} --home eu-west-1", ct);
        var listed = await RunAsync($"service list -t {tenant.Slug} --json", ct);

        Assert.StartsWith($"Created service {tenant.Slug}/payments in eu-west-1.", created.Stdout, StringComparison.Ordinal);
        Assert.Equal(["payments"], Json<List<ServiceView>>(listed).Select(s => s.Slug));
    }

    [Fact]
    public async Task Api_keys_are_created_listed_and_revoked_with_the_tenant_option()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var created = Json<CreatedApiKey>(await RunAsync(["api-key", "create", "--tenant", tenant.Slug, "--role", "viewer", "--name", "dash boards", "--json"], ct));
        var listed = Json<List<ApiKeyView>>(await RunAsync($"api-key list --tenant {tenant.Slug} --json", ct));
        var revoked = await RunAsync($"api-key revoke {created.Key.Id} -t {tenant.Slug}", ct);

        Assert.Equal(("viewer", "dash boards"), (created.Key.Role, created.Key.Name));
        Assert.Contains(listed, k => k.Id == created.Key.Id);
        Assert.Equal($"Revoked {created.Key.Id} (dash boards).", revoked.Stdout.TrimEnd());
        var after = Json<List<ApiKeyView>>(await RunAsync($"api-key list --tenant {tenant.Slug} --json", ct));
        var revokedAt = after.Single(k => k.Id == created.Key.Id).RevokedAt;
        Assert.NotNull(revokedAt);

        // Found by a new user: revoking the same key again printed "Revoked" as if it had just happened.
        var again = await RunAsync($"api-key revoke {created.Key.Id} -t {tenant.Slug}", ct);
        Assert.Equal($"{created.Key.Id} (dash boards) was already revoked at {revokedAt:u}; nothing changed.", again.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Incident_and_audit_commands_take_the_short_tenant_option()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var incidents = await RunAsync($"incident list -t {tenant.Slug}", ct);
        var audit = await RunAsync($"audit -t {tenant.Slug} --region control --json", ct);

        Assert.Equal($"No incidents for {tenant.Slug} in eu-west-1, eu-central-1.", incidents.Stdout.TrimEnd());
        Assert.Contains($"tenant:{tenant.Slug}", audit.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_positional_tenant_spellings_from_before_the_option_still_work()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var service = await RunAsync($"service create {tenant.Slug}/payments --home eu-west-1", ct);
        var services = Json<List<ServiceView>>(await RunAsync($"service list {tenant.Slug} --json", ct));
        var key = Json<CreatedApiKey>(await RunAsync($"api-key create {tenant.Slug} --role viewer --name old --json", ct));
        var keys = Json<List<ApiKeyView>>(await RunAsync($"api-key list {tenant.Slug} --json", ct));
        var revoked = await RunAsync($"api-key revoke {tenant.Slug} {key.Key.Id}", ct);

        Assert.StartsWith($"Created service {tenant.Slug}/payments in eu-west-1.", service.Stdout, StringComparison.Ordinal);
        Assert.Equal(["payments"], services.Select(s => s.Slug));
        Assert.Contains(keys, k => k.Id == key.Key.Id);
        Assert.Equal($"Revoked {key.Key.Id} (old).", revoked.Stdout.TrimEnd());
    }

    [Theory]
    [InlineData("service create other/payments --tenant {0} --home eu-west-1")]
    [InlineData("service list other --tenant {0}")]
    [InlineData("api-key create other -t {0} --role viewer --name x")]
    [InlineData("api-key list other -t {0}")]
    [InlineData("api-key revoke other key_x --tenant {0}")]
    public async Task Two_different_tenants_in_one_command_are_refused_before_anything_is_done(string commandLine)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var run = await NovaCli.RunAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, commandLine, tenant.Slug), ct,
            topology.Topology.Info.ControlUrl, topology.Topology.OperatorKey);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal([$"error: Two tenants given, 'other' and --tenant '{tenant.Slug}'; name it once, with --tenant."], run.ErrorLines);
        Assert.Empty(Json<List<ServiceView>>(await RunAsync($"service list -t {tenant.Slug} --json", ct)));
        Assert.DoesNotContain(Json<List<ApiKeyView>>(await RunAsync($"api-key list -t {tenant.Slug} --json", ct)), k => k.Name == "x");
    }

    [Fact]
    public async Task A_tenant_key_needs_no_tenant_option()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);
        var admin = await topology.CreateApiKeyAsync(tenant, "admin", ct);

        var created = await RunAsync("service create payments --home eu-west-1", ct, admin.Secret);
        var services = Json<List<ServiceView>>(await RunAsync("service list --json", ct, admin.Secret));
        var keys = Json<List<ApiKeyView>>(await RunAsync("api-key list --json", ct, admin.Secret));

        Assert.StartsWith($"Created service {tenant.Slug}/payments in eu-west-1.", created.Stdout, StringComparison.Ordinal);
        Assert.Equal(["payments"], services.Select(s => s.Slug));
        Assert.Contains(keys, k => k.Id == admin.Key.Id);
    }

    [Fact]
    public async Task An_operator_key_that_sees_several_tenants_is_asked_to_name_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await topology.CreateTenantAsync(ct);
        await topology.CreateTenantAsync(ct);

        var run = await NovaCli.RunAsync("service list", ct, topology.Topology.Info.ControlUrl, topology.Topology.OperatorKey);

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Matches(@"^error: This key sees \d+ tenants \(.+\); name one with --tenant SLUG\.$", line);
    }

    [Fact]
    public async Task Incident_show_finds_an_incident_whose_id_was_typed_in_lowercase()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await topology.NewServiceAsync(ct);
        var ingest = await topology.AlertmanagerOkAsync(service, Am.Message("g1", Am.Alert("Lowercase", "2026-12-03T10:00:00Z")), ct);
        var id = Assert.Single(ingest.Incidents);

        var run = await RunAsync($"incident show {id.ToLowerInvariant()} --tenant {tenant.Slug} --json", ct);

        Assert.Equal(id, Json<IncidentDetail>(run).Incident.Id);
    }

    [Fact]
    public async Task A_bad_filter_that_every_region_refuses_is_reported_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct, "eu-west-1", "eu-central-1");

        var run = await NovaCli.RunAsync(["incident", "list", "--tenant", tenant.Slug, "--status", "bogus"], ct, topology.Topology.Info.ControlUrl, topology.Topology.OperatorKey);

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.DoesNotContain("eu-west-1:", line, StringComparison.Ordinal);
        Assert.Contains("status", line, StringComparison.Ordinal);
    }

    /// <summary>Runs the CLI against the fixture (operator key unless another is given) and asserts it succeeded.</summary>
    [Fact]
    public async Task Empty_lists_say_so_and_what_to_do_instead_of_printing_a_bare_header()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await topology.CreateTenantAsync(ct);

        var services = await RunAsync($"service list -t {tenant.Slug}", ct);
        var keys = await RunAsync($"api-key list -t {tenant.Slug}", ct);
        var audit = await RunAsync($"audit -t {tenant.Slug} --region eu-west-1", ct);

        Assert.Equal($"{tenant.Slug} has no services; create one with 'nova service create NAME --tenant {tenant.Slug} --home REGION'.", services.Stdout.TrimEnd());
        Assert.Equal($"{tenant.Slug} has no API keys; create one with 'nova api-key create --tenant {tenant.Slug} --role responder --name NAME'.", keys.Stdout.TrimEnd());
        Assert.Equal("No audit records.", audit.Stdout.TrimEnd());
    }

    private async Task<CliRun> RunAsync(IEnumerable<string> args, CancellationToken ct, string? apiKey = null)
    {
        var run = await NovaCli.RunAsync(args, ct, topology.Topology.Info.ControlUrl, apiKey ?? topology.Topology.OperatorKey);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    private Task<CliRun> RunAsync(string commandLine, CancellationToken ct, string? apiKey = null) =>
        RunAsync(commandLine.Split(' '), ct, apiKey);

    private static T Json<T>(CliRun run) =>
        JsonSerializer.Deserialize<T>(run.Stdout, TopologyFixture.Json) ?? throw new InvalidOperationException($"null JSON: {run}");
}
