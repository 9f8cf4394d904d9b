namespace Nova.Integration.Tests;

/// <summary>
/// The writer keeps each Alertmanager group's open incident in memory (OpenGroups): it must be
/// loaded from the store when a region starts again, and forget incidents that resolved.
/// </summary>
public sealed class OpenGroupsRestartTests
{
    private const string T1 = "2026-12-03T10:00:00Z";
    private const string T2 = "2026-12-03T11:00:00Z";

    [Fact]
    public async Task After_a_restart_an_alert_joins_its_groups_open_incident_and_a_resolved_groups_alert_opens_a_new_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nova = new TopologyFixture();
        await nova.InitializeAsync();
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var open = await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"api\"}", Am.Alert("A", T1)), ct);
        var done = await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"db\"}", Am.Alert("C", T1)), ct);
        await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"db\"}", Am.Alert("C", T1, "resolved", T2)), ct);

        await nova.Topology.StopRegionAsync(NovaApi.Home, ct);
        await nova.Topology.StartRegionAsync(NovaApi.Home, ct);
        var joined = await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"api\"}", Am.Alert("B", T2)), ct);
        var reopened = await nova.AlertmanagerOkAsync(service, Am.Message("{}:{job=\"db\"}", Am.Alert("D", T2)), ct);

        Assert.Equal((0, 1), (joined.Opened, joined.Updated));
        Assert.Equal(open.Incidents, joined.Incidents);
        Assert.Equal(1, reopened.Opened);
        Assert.NotEqual(done.Incidents, reopened.Incidents);
        var incidents = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(3, incidents.Count);
        Assert.Equal(2, incidents.Single(i => i.Id == open.Incidents[0]).AlertCount);
        await nova.AssertProjectionsEqualFoldsAsync(tenant, ct);
    }
}
