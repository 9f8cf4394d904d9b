using System.Diagnostics;
using Nova.Contracts;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// A real Prometheus Alertmanager delivers its webhook to a region running as its own
/// process: a posted alert opens an incident, the same alert ended closes it.
/// </summary>
public sealed class AlertmanagerToNovaTests(OneRegionNova fixture) : IClassFixture<OneRegionNova>
{
    private const string Region = OneRegionNova.Region;

    // Alertmanager delivers ~1 s after a post (group_wait 1s) and Nova answers in
    // milliseconds; the rest is room for a loaded 2-core machine.
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    private NovaProcesses Nova => fixture.Nova;

    [Fact]
    public async Task Alert_through_Alertmanager_with_bearer_key_opens_then_resolves_an_incident()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await Nova.CreateTenantAsync(ct, Region);
        var service = await Nova.CreateServiceAsync(tenant, Region, ct);
        Assert.EndsWith("/v1/ingest/alertmanager", service.Ingest.Alertmanager, StringComparison.Ordinal);
        Assert.StartsWith(Nova.Region(Region).Url + "/", service.Ingest.Alertmanager, StringComparison.Ordinal);

        await using var alertmanager = await AlertmanagerProcess.StartAsync(service.Ingest.Alertmanager, service.IntegrationKey, ct);
        await FireThenResolveAsync(tenant, alertmanager, "bearer", ct);
    }

    [Fact]
    public async Task Alert_through_Alertmanager_with_key_in_path_and_no_credentials_opens_then_resolves_an_incident()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await Nova.CreateTenantAsync(ct, Region);
        var service = await Nova.CreateServiceAsync(tenant, Region, ct);
        Assert.Equal(service.Ingest.Alertmanager + "/" + service.IntegrationKey, service.Ingest.AlertmanagerKeyInPath);

        await using var alertmanager = await AlertmanagerProcess.StartAsync(service.Ingest.AlertmanagerKeyInPath, bearerToken: null, ct);
        await FireThenResolveAsync(tenant, alertmanager, "key-in-path", ct);
    }

    private async Task FireThenResolveAsync(TenantView tenant, AlertmanagerProcess alertmanager, string variant, CancellationToken ct)
    {
        var labels = new Dictionary<string, string>
        {
            ["alertname"] = "NovaE2ELatency",
            ["instance"] = "api-" + Guid.NewGuid().ToString("N")[..6] + ":9090",
            ["job"] = "api",
            ["severity"] = "critical",
        };
        var summary = $"p99 latency above 500ms ({variant})";
        var annotations = new Dictionary<string, string> { ["summary"] = summary, ["runbook_url"] = "https://runbooks.example.test/latency" };
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(-30);
        const string generatorUrl = "http://prometheus.example.test/graph?g0.expr=up";

        var clock = Stopwatch.StartNew();
        await alertmanager.PostAlertsAsync([new { labels, annotations, startsAt, generatorURL = generatorUrl }], ct);
        var page = await Nova.WaitForIncidentsAsync(
            Region, tenant, "a triggered incident from Alertmanager",
            p => p.Items.Any(i => i.Status == "triggered"), Delivery, ct, alertmanager.Describe);
        var opened = clock.Elapsed;
        var incident = Assert.Single(page.Items);
        Assert.Equal("triggered", incident.Status);
        Assert.Equal(summary, incident.Title);
        Assert.Equal("alertmanager", incident.Source);
        Assert.Equal(Region, incident.Region);
        Assert.Equal(1, incident.AlertCount);
        Assert.Equal(1, incident.OpenAlerts);

        var detail = await Nova.IncidentAsync(Region, incident.Id, ct);
        var alert = Assert.Single(detail.Alerts);
        Assert.Equal("firing", alert.Status);
        Assert.Equal(labels.OrderBy(l => l.Key, StringComparer.Ordinal), alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal));
        Assert.Equal(summary, alert.Annotations["summary"]);
        Assert.Matches("^[0-9a-f]{16}$", alert.Key); // Alertmanager's fingerprint, as sent

        clock.Restart();
        await alertmanager.PostAlertsAsync(
            [new { labels, annotations, startsAt, endsAt = DateTimeOffset.UtcNow.AddSeconds(-1), generatorURL = generatorUrl }], ct);
        page = await Nova.WaitForIncidentsAsync(
            Region, tenant, "the incident resolved by Alertmanager's resolved webhook",
            p => p.Items.Count == 1 && p.Items[0].Status == "resolved", Delivery, ct, alertmanager.Describe);
        var resolved = Assert.Single(page.Items);
        Assert.Equal(incident.Id, resolved.Id);
        Assert.Equal(0, resolved.OpenAlerts);

        detail = await Nova.IncidentAsync(Region, incident.Id, ct);
        Assert.Equal("resolved", Assert.Single(detail.Alerts).Status);
        Assert.NotNull(detail.ResolvedAt);
        TestContext.Current.SendDiagnosticMessage(
            $"{variant}: incident opened {opened.TotalSeconds:0.0} s after the post to Alertmanager, resolved {clock.Elapsed.TotalSeconds:0.0} s after the end");
    }
}
