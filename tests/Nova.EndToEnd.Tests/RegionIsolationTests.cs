using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nova.Contracts;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// Invariant 4, second half: a region down does not affect the others. Two regions run as
/// their own processes; one is killed with <c>kill -9</c>, and the other keeps ingesting,
/// serving, acting on incidents and following the control plane.
/// </summary>
public sealed class RegionIsolationTests : IAsyncLifetime
{
    private const string Victim = "eu-west-1";
    private const string Survivor = "eu-central-1";

    private NovaProcesses _nova = null!;

    public async ValueTask InitializeAsync() =>
        _nova = await NovaProcesses.StartAsync(new NovaProcessesOptions { Regions = [Victim, Survivor] }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_nova is not null)
        {
            await _nova.DisposeAsync();
        }
    }

    [Fact]
    public async Task Killing_one_region_leaves_the_other_ingesting_and_serving()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await _nova.CreateTenantAsync(ct, Victim, Survivor);
        var west = await _nova.CreateServiceAsync(tenant, Victim, ct);
        var central = await _nova.CreateServiceAsync(tenant, Survivor, ct);

        // Both regions work before the failure.
        var westIncident = await FireAsync(Victim, west.IntegrationKey, "before-west", ct);
        var centralBefore = await FireAsync(Survivor, central.IntegrationKey, "before-central", ct);

        await _nova.KillRegionAsync(Victim);
        Assert.False(_nova.Region(Victim).IsRunning);
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var http = NovaProcesses.NewClient(_nova.Region(Victim).Url, null);
            using var _ = await http.GetAsync("healthz", ct);
        });

        // The survivor keeps ingesting from both kinds of sender...
        var centralAfter = await FireAsync(Survivor, central.IntegrationKey, "after-central", ct);
        var pd = Bodies.PagerDutyTrigger(central.IntegrationKey, "isolation-" + Guid.NewGuid().ToString("N"), "PagerDuty after the failure");
        using (var response = await _nova.PostJsonAsync(Survivor, "v2/enqueue", pd, bearer: null, ct))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(ct));
        }

        // ...serves reads and incident actions...
        var page = await _nova.IncidentsAsync(Survivor, tenant, ct);
        Assert.Equal(3, page.Items.Count);
        Assert.All(page.Items, i => Assert.Equal(Survivor, i.Region));
        Assert.Contains(page.Items, i => i.Id == centralBefore);
        Assert.Contains(page.Items, i => i.Id == centralAfter);
        Assert.DoesNotContain(page.Items, i => i.Id == westIncident);
        using (var ack = await _nova.RegionApi(Survivor).PostAsync($"v1/incidents/{centralBefore}/acknowledge", null, ct))
        {
            await NovaProcesses.EnsureSuccessAsync(ack, ct);
        }

        Assert.Equal("acknowledged", (await _nova.IncidentAsync(Survivor, centralBefore, ct)).Incident.Status);

        // ...and still follows the control plane: a service created now works there at once.
        var created = await _nova.CreateServiceAsync(tenant, Survivor, ct);
        await FireAsync(Survivor, created.IntegrationKey, "new-service", ct);
        var status = await _nova.RegionApi(Survivor).GetFromJsonAsync<RegionStatus>("v1/status", NovaProcesses.Json, ct);
        Assert.True(status!.ControlPlaneReachable);
        Assert.Equal(await _nova.HeadRevisionAsync(ct), status.AppliedRevision);
        Assert.True(_nova.Region(Survivor).IsRunning);
        Assert.Equal(1, _nova.Region(Survivor).Starts);

        // Recovery needs nothing from the survivor: the victim restarts from its own store.
        await _nova.RestartRegionAsync(Victim, ct);
        var westPage = await _nova.IncidentsAsync(Victim, tenant, ct);
        Assert.Equal(westIncident, Assert.Single(westPage.Items).Id);
        await FireAsync(Victim, west.IntegrationKey, "after-restart-west", ct);
    }

    /// <summary>Posts one new firing alert and returns the incident it opened.</summary>
    private async Task<string> FireAsync(string region, string key, string name, CancellationToken ct)
    {
        var body = Bodies.AlertmanagerWebhook(
            new Dictionary<string, string> { ["alertname"] = "Isolation", ["case"] = name },
            new Dictionary<string, string> { ["summary"] = "isolation " + name },
            DateTimeOffset.UtcNow.AddSeconds(-10));
        using var response = await _nova.PostJsonAsync(region, "v1/ingest/alertmanager", body, key, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{region} answered {(int)response.StatusCode}: {text}\n{_nova.Describe()}");
        var result = JsonSerializer.Deserialize<IngestResult>(text, NovaProcesses.Json)!;
        Assert.Equal(1, result.Opened);
        return Assert.Single(result.Incidents);
    }
}
