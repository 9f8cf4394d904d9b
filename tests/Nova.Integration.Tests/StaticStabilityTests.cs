using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nova.Contracts;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// Invariant 4: with the control plane down, regions keep ingesting and serving from their
/// cached configuration. Each test starts its own topology, because it stops parts of it.
/// </summary>
public sealed class StaticStabilityTests
{
    private const string Home = "eu-west-1";

    [Fact]
    public async Task Region_keeps_authenticating_ingesting_and_serving_incidents_when_the_control_plane_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nova = new TopologyFixture(TimeSpan.FromMilliseconds(100));
        await nova.InitializeAsync();
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, Home, ct);
        var responder = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        using var ingest = TopologyFixture.Client(nova.RegionUrl(Home), service.IntegrationKey);
        using var anonymous = TopologyFixture.Client(nova.RegionUrl(Home), null);
        using var people = TopologyFixture.Client(nova.RegionUrl(Home), responder.Secret);
        await Api.JsonAsync(await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(Bodies.Alertmanager("BeforeOutage")), ct), HttpStatusCode.OK, ct);
        var before = await StatusAsync(anonymous, ct);
        Assert.True(before.ControlPlaneReachable);

        await nova.Topology.StopControlAsync(ct);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => nova.Control.GetAsync("v1/regions", ct));
        var status = await WaitForStatusAsync(anonymous, s => !s.ControlPlaneReachable && s.LastSyncError is not null, ct);
        Assert.Equal(before.AppliedRevision, status.AppliedRevision);

        // Ingest: bearer key, key in the path, and PagerDuty all authenticate against the cache.
        var bearer = await Api.JsonAsync(await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(Bodies.Alertmanager("DuringOutageBearer")), ct), HttpStatusCode.OK, ct);
        Assert.Equal(1, bearer.GetProperty("opened").GetInt32());
        var inPath = await Api.JsonAsync(await anonymous.PostAsync("v1/ingest/alertmanager/" + service.IntegrationKey, Api.JsonContent(Bodies.Alertmanager("DuringOutagePath")), ct), HttpStatusCode.OK, ct);
        Assert.Equal(1, inPath.GetProperty("opened").GetInt32());
        var pagerDuty = await Api.JsonAsync(await anonymous.PostAsync("v2/enqueue", Api.JsonContent(Bodies.PagerDutyTrigger(service.IntegrationKey, "DuringOutagePagerDuty", "outage/pd")), ct), HttpStatusCode.Accepted, ct);
        Assert.Equal("outage/pd", pagerDuty.GetProperty("dedup_key").GetString());
        var unknownKey = await anonymous.PostAsync("v1/ingest/alertmanager/" + new string('0', 32), Api.JsonContent(Bodies.Alertmanager("Nope")), ct);
        await Api.ProblemAsync(unknownKey, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized, ct);

        // Reads and actions authenticate API keys against the cache.
        var page = await people.GetFromJsonAsync<IncidentPage>("v1/incidents", TopologyFixture.Json, ct);
        Assert.Equal(
            ["BeforeOutage fired", "DuringOutageBearer fired", "DuringOutagePagerDuty", "DuringOutagePath fired"],
            page!.Items.Select(i => i.Title).Order(StringComparer.Ordinal));
        var incident = page.Items.Single(i => i.Title == "DuringOutagePagerDuty");
        var acknowledge = await people.PostAsync($"v1/incidents/{incident.Id}/acknowledge", null, ct);
        Assert.Equal("acknowledged", (await Api.JsonAsync(acknowledge, HttpStatusCode.OK, ct)).GetProperty("status").GetString());
        var note = await people.PostAsync($"v1/incidents/{incident.Id}/notes", Api.JsonContent(new NoteRequest("Control plane is down; region carries on.")), ct);
        await Api.JsonAsync(note, HttpStatusCode.OK, ct);
        var resolve = await people.PostAsync($"v1/incidents/{incident.Id}/resolve", null, ct);
        Assert.Equal("resolved", (await Api.JsonAsync(resolve, HttpStatusCode.OK, ct)).GetProperty("status").GetString());
        var detail = await people.GetFromJsonAsync<IncidentDetail>($"v1/incidents/{incident.Id}", TopologyFixture.Json, ct);
        Assert.Equal("resolved", detail!.Incident.Status);
        Assert.Contains(detail.Timeline, e => e.Text == "Note: Control plane is down; region carries on.");
        Assert.Contains(detail.Timeline, e => e.Kind == "incident.acknowledged" && e.Actor == responder.Key.Id);

        var forged = await Api.SendAsync(anonymous, HttpMethod.Get, "v1/incidents", null, ct, bearer: $"nova_{responder.Key.Id}_{new string('x', 32)}");
        await Api.ProblemAsync(forged, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized, ct);

        var after = await StatusAsync(anonymous, ct);
        Assert.False(after.ControlPlaneReachable);
        Assert.Equal(before.AppliedRevision, after.AppliedRevision);
    }

    [Fact]
    public async Task The_cli_lists_and_acknowledges_incidents_from_the_regions_when_the_control_plane_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nova = new TopologyFixture(TimeSpan.FromMilliseconds(100));
        await nova.InitializeAsync();
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, Home, ct);
        var responder = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        using var ingest = TopologyFixture.Client(nova.RegionUrl(Home), service.IntegrationKey);
        var opened = await Api.JsonAsync(await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(Bodies.Alertmanager("CliDuringOutage")), ct), HttpStatusCode.OK, ct);
        var incidentId = Assert.Single(opened.GetProperty("incidents").EnumerateArray()).GetString()!;
        var regions = new Dictionary<string, string>
        {
            ["NOVA_REGIONS"] = string.Join(",", nova.Topology.Info.Regions.Select(r => $"{r.Key}={r.Value}")),
        };
        await nova.Topology.StopControlAsync(ct);

        Task<CliRun> Cli(string commandLine) =>
            NovaCli.RunAsync(commandLine.Split(' '), ct, nova.Topology.Info.ControlUrl, responder.Secret, regions);
        var list = await Cli($"incident list --tenant {tenant.Slug} --json");
        var ack = await Cli($"incident ack {incidentId}");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("does not answer; asking the regions directly", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(incidentId, Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        Assert.True(ack.ExitCode == 0, ack.ToString());
        using var people = TopologyFixture.Client(nova.RegionUrl(Home), responder.Secret);
        var detail = await people.GetFromJsonAsync<IncidentDetail>($"v1/incidents/{incidentId}", TopologyFixture.Json, ct);
        Assert.Equal("acknowledged", detail!.Incident.Status);
    }

    [Fact]
    public async Task Region_restarted_while_the_control_plane_is_down_ingests_from_its_persisted_cache_and_syncs_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nova = new TopologyFixture(TimeSpan.FromMilliseconds(100));
        await nova.InitializeAsync();
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, Home, ct);
        var responder = await nova.CreateApiKeyAsync(tenant, "responder", ct);
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        var firstAlert = Bodies.Alertmanager(
            new Dictionary<string, string> { ["alertname"] = "DiskFull", ["instance"] = "db-1" }, new Dictionary<string, string> { ["summary"] = "Disk full on db-1" },
            startsAt: startsAt);
        using var ingest = TopologyFixture.Client(nova.RegionUrl(Home), service.IntegrationKey);
        var opened = await Api.JsonAsync(await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(firstAlert), ct), HttpStatusCode.OK, ct);
        var incidentId = Assert.Single(opened.GetProperty("incidents").EnumerateArray()).GetString()!;
        using var anonymous = TopologyFixture.Client(nova.RegionUrl(Home), null);
        var before = await StatusAsync(anonymous, ct);

        await nova.Topology.StopControlAsync(ct);
        await nova.Topology.StopRegionAsync(Home, ct);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetAsync("v1/status", ct));
        await nova.Topology.StartRegionAsync(Home, ct);

        var restarted = await WaitForStatusAsync(anonymous, s => s.LastSyncError is not null, ct);
        Assert.False(restarted.ControlPlaneReachable);
        Assert.Equal(before.AppliedRevision, restarted.AppliedRevision);

        // The same alert again is recognised (persisted data key and blind index): no new incident.
        var repeat = await Api.JsonAsync(await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(firstAlert), ct), HttpStatusCode.OK, ct);
        Assert.Equal(1, repeat.GetProperty("ignored").GetInt32());
        Assert.Equal(incidentId, Assert.Single(repeat.GetProperty("incidents").EnumerateArray()).GetString());
        var fresh = await Api.JsonAsync(await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(Bodies.Alertmanager("AfterRestart")), ct), HttpStatusCode.OK, ct);
        Assert.Equal(1, fresh.GetProperty("opened").GetInt32());
        var pagerDuty = await anonymous.PostAsync("v2/enqueue", Api.JsonContent(Bodies.PagerDutyTrigger(service.IntegrationKey, "AfterRestartPagerDuty")), ct);
        await Api.JsonAsync(pagerDuty, HttpStatusCode.Accepted, ct);

        using var people = TopologyFixture.Client(nova.RegionUrl(Home), responder.Secret);
        var page = await people.GetFromJsonAsync<IncidentPage>("v1/incidents", TopologyFixture.Json, ct);
        Assert.Equal(["AfterRestart fired", "AfterRestartPagerDuty", "Disk full on db-1"], page!.Items.Select(i => i.Title).Order(StringComparer.Ordinal));
        var detail = await people.GetFromJsonAsync<IncidentDetail>($"v1/incidents/{incidentId}", TopologyFixture.Json, ct);
        Assert.Equal("db-1", Assert.Single(detail!.Alerts).Labels["instance"]);
        Assert.Equal(HttpStatusCode.OK, (await people.PostAsync($"v1/incidents/{incidentId}/acknowledge", null, ct)).StatusCode);

        await nova.Topology.StartControlAsync(ct);

        var clock = Stopwatch.StartNew();
        var later = await nova.CreateServiceAsync(tenant, Home, ct);
        using var laterIngest = TopologyFixture.Client(nova.RegionUrl(Home), later.IntegrationKey);
        var accepted = await laterIngest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(Bodies.Alertmanager("AfterRecovery")), ct);
        await Api.JsonAsync(accepted, HttpStatusCode.OK, ct);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"sync after recovery took {clock.Elapsed}");
        var head = await nova.HeadRevisionAsync(ct);
        var recovered = await WaitForStatusAsync(anonymous, s => s.ControlPlaneReachable && s.AppliedRevision == head, ct);
        Assert.Null(recovered.LastSyncError);
        Assert.True(recovered.AppliedRevision > before.AppliedRevision);
    }

    private static async Task<RegionStatus> StatusAsync(HttpClient region, CancellationToken ct) =>
        (await region.GetFromJsonAsync<RegionStatus>("v1/status", TopologyFixture.Json, ct))!;

    private static async Task<RegionStatus> WaitForStatusAsync(HttpClient region, Func<RegionStatus, bool> done, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await StatusAsync(region, ct);
            if (done(status))
            {
                return status;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "Region status never got there: " + JsonSerializer.Serialize(status));
            await Task.Delay(50, ct);
        }
    }
}
