using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nova.Contracts;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// Invariant 5: a 2xx on ingest or on an incident action means the event is committed in the
/// home region's store and survives <c>kill -9</c> of the region's process.
/// </summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private const string Region = "eu-west-1";

    private NovaProcesses _nova = null!;

    public async ValueTask InitializeAsync() =>
        _nova = await NovaProcesses.StartAsync(new NovaProcessesOptions { Regions = [Region] }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_nova is not null)
        {
            await _nova.DisposeAsync();
        }
    }

    [Fact]
    public async Task Everything_answered_2xx_before_kill_9_is_there_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await _nova.CreateTenantAsync(ct, Region);
        var service = await _nova.CreateServiceAsync(tenant, Region, ct);
        var key = service.IntegrationKey;

        // An Alertmanager incident, acknowledged by a person.
        var firing = await IngestAsync(SharedFixtures.Read("alertmanager/firing-single.json"), key, ct);
        var amIncident = Assert.Single(firing.Incidents);
        using (var ack = await _nova.RegionApi(Region).PostAsync($"v1/incidents/{amIncident}/acknowledge", null, ct))
        {
            await NovaProcesses.EnsureSuccessAsync(ack, ct);
        }

        // A PagerDuty incident.
        var pd = await EnqueueAsync(SharedFixtures.Read("pagerduty/trigger.json", key), ct);

        // A burst of concurrent alerts (the group-commit writer batches them into few commits);
        // kill -9 the moment the last 2xx arrives.
        const int burst = 24;
        var bodies = Enumerable.Range(0, burst).Select(i => Bodies.AlertmanagerWebhook(
            new Dictionary<string, string> { ["alertname"] = "DurableBurst", ["instance"] = $"node-{i}:9100" },
            new Dictionary<string, string> { ["summary"] = $"burst alert {i}" },
            DateTimeOffset.UtcNow.AddMinutes(-1))).ToList();
        var results = await Task.WhenAll(bodies.Select(b => IngestAsync(b, key, ct)));
        await _nova.KillRegionAsync(Region);
        Assert.False(_nova.Region(Region).IsRunning);

        var burstIncidents = results.Select(r => Assert.Single(r.Incidents)).ToList();
        Assert.Equal(burst, burstIncidents.Distinct().Count());

        await _nova.RestartRegionAsync(Region, ct);
        Assert.Equal(2, _nova.Region(Region).Starts);

        var page = await _nova.IncidentsAsync(Region, tenant, ct);
        var byId = page.Items.ToDictionary(i => i.Id);
        Assert.Equal(burst + 2, byId.Count);
        Assert.Equal("acknowledged", byId[amIncident].Status);
        Assert.Equal("p99 latency above 500ms", byId[amIncident].Title);
        var pdIncident = Assert.Single(page.Items, i => i.Source == "pagerduty");
        Assert.Equal("triggered", pdIncident.Status);
        Assert.Equal("Replication lag above 30s on db-2", pdIncident.Title);
        Assert.All(burstIncidents, id => Assert.Equal("triggered", byId[id].Status));

        // The deduplication state survived too: a repeat is recognised, not a new incident.
        var repeat = await IngestAsync(SharedFixtures.Read("alertmanager/firing-single.json"), key, ct);
        Assert.Equal(1, repeat.Ignored);
        Assert.Equal(amIncident, Assert.Single(repeat.Incidents));
        var again = await EnqueueAsync(SharedFixtures.Read("pagerduty/trigger.json", key), ct);
        Assert.Equal(pd.DedupKey, again.DedupKey);
        Assert.Equal(burst + 2, (await _nova.IncidentsAsync(Region, tenant, ct)).Items.Count);

        // And the timeline of the acknowledged incident is whole.
        var detail = await _nova.IncidentAsync(Region, amIncident, ct);
        Assert.Equal(["incident.opened", "alert.fired", "incident.acknowledged"], detail.Timeline.Select(t => t.Kind).Take(3));
    }

    private async Task<IngestResult> IngestAsync(string body, string key, CancellationToken ct)
    {
        using var response = await _nova.PostJsonAsync(Region, "v1/ingest/alertmanager", body, key, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<IngestResult>(text, NovaProcesses.Json)!;
    }

    private async Task<PagerDutyAnswer> EnqueueAsync(string body, CancellationToken ct)
    {
        using var response = await _nova.PostJsonAsync(Region, "v2/enqueue", body, bearer: null, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<PagerDutyAnswer>(text, NovaProcesses.Json)!;
    }
}
