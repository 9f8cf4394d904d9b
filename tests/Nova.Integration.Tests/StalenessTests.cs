using System.Diagnostics;
using Nova.Contracts;

namespace Nova.Integration.Tests;

/// <summary>
/// A resolve does not always come (silences, send_resolved: false, truncation): services may
/// set staleAfterMinutes, and the region's sweeper resolves alerts not seen for that long.
/// Time is a fake clock moved by the tests; the sweeper runs every 30 s of fake time.
/// </summary>
public sealed class StalenessTests(FakeClockTopologyFixture nova) : IClassFixture<FakeClockTopologyFixture>
{
    private const string T1 = "2026-12-03T10:00:00Z";

    [Fact]
    public async Task Alert_not_seen_for_staleAfterMinutes_is_auto_resolved_with_reason_stale_and_ends_its_incident()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct, staleAfterMinutes: 5);
        var id = Assert.Single((await nova.AlertmanagerOkAsync(service, Am.Message("g", Am.Alert("Silent", T1)), ct)).Incidents);
        var firedAt = nova.Time.GetUtcNow();

        var resolved = await AdvanceUntilAsync(TimeSpan.FromMinutes(5) + FakeClockTopologyFixture.SweepInterval, id, "resolved", ct);

        Assert.True(nova.Time.GetUtcNow() - firedAt > TimeSpan.FromMinutes(5));
        Assert.Equal(0, resolved.Incident.OpenAlerts);
        var staleEntry = Assert.Single(resolved.Timeline, t => t.Kind == "alert.resolved");
        Assert.Equal(("Alert " + Am.Alert("Silent", T1)["fingerprint"] + " resolved (stale)", "nova:staleness"), (staleEntry.Text, staleEntry.Actor));
        Assert.Equal("Resolved: all alerts resolved", resolved.Timeline[^1].Text);
        await nova.AssertProjectionEqualsFoldAsync(tenant, id, ct);
    }

    [Fact]
    public async Task Alert_that_keeps_being_resent_is_not_auto_resolved_when_a_sibling_of_its_service_goes_stale()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct, staleAfterMinutes: 60);
        var alive = Am.Alert("Alive", T1);
        var silent = Assert.Single((await nova.AlertmanagerOkAsync(service, Am.Message("silent", Am.Alert("Silent", T1)), ct)).Incidents);
        var kept = Assert.Single((await nova.AlertmanagerOkAsync(service, Am.Message("alive", alive), ct)).Incidents);

        nova.Advance(TimeSpan.FromMinutes(50));
        // Alertmanager's repeat_interval: the same episode again, which shows it is alive.
        Assert.Equal(1, (await nova.AlertmanagerOkAsync(service, Am.Message("alive", alive), ct)).Ignored);
        await AdvanceUntilAsync(TimeSpan.FromMinutes(11), silent, "resolved", ct);

        // One sweep resolves a service's stale alerts in one write, so the live alert was
        // judged in the same pass that ended the silent one, with ~49 minutes to spare.
        var live = await nova.AssertProjectionEqualsFoldAsync(tenant, kept, ct);
        Assert.Equal(("triggered", 1), (live.Incident.Status, live.Incident.OpenAlerts));
    }

    [Fact]
    public async Task Service_without_staleAfterMinutes_keeps_its_alerts_firing_when_sweeps_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var stale = await nova.CreateServiceAsync(tenant, NovaApi.Home, ct, staleAfterMinutes: 5);
        var forever = await nova.CreateServiceAsync(tenant, NovaApi.Home, ct);
        var keep = Assert.Single((await nova.AlertmanagerOkAsync(forever, Am.Message("g", Am.Alert("Forever", T1)), ct)).Incidents);
        var first = Assert.Single((await nova.AlertmanagerOkAsync(stale, Am.Message("g1", Am.Alert("First", T1)), ct)).Incidents);

        await AdvanceUntilAsync(TimeSpan.FromMinutes(6), first, "resolved", ct);
        // A second stale alert resolved by a later sweep proves a whole pass over every
        // service, the one without staleness included, finished after 6 minutes of silence.
        var second = Assert.Single((await nova.AlertmanagerOkAsync(stale, Am.Message("g2", Am.Alert("Second", T1)), ct)).Incidents);
        await AdvanceUntilAsync(TimeSpan.FromMinutes(6), second, "resolved", ct);

        var kept = await nova.AssertProjectionEqualsFoldAsync(tenant, keep, ct);
        Assert.Equal(("triggered", 1), (kept.Incident.Status, kept.Incident.OpenAlerts));
    }

    [Fact]
    public async Task PagerDuty_alert_not_seen_for_staleAfterMinutes_is_auto_resolved_and_its_dedup_key_opens_a_new_incident_afterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct, staleAfterMinutes: 5);
        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k"), ct);
        var id = Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).Id;

        await AdvanceUntilAsync(TimeSpan.FromMinutes(6), id, "resolved", ct);
        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k"), ct);

        var incidents = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(["resolved", "triggered"], incidents.Select(i => i.Status).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Moves fake time by <paramref name="first"/>, then waits (in real time) for the incident
    /// to reach <paramref name="status"/>. The sweeper re-arms its timer only after a sweep,
    /// so if an advance lands before it re-armed, one more sweep interval is given; each is
    /// small against the margins the tests leave.
    /// </summary>
    private async Task<IncidentDetail> AdvanceUntilAsync(TimeSpan first, string incidentId, string status, CancellationToken ct)
    {
        nova.Advance(first);
        var deadline = Stopwatch.StartNew();
        var sinceAdvance = Stopwatch.StartNew();
        while (true)
        {
            var detail = await nova.IncidentAsync(incidentId, ct);
            if (detail.Incident.Status == status)
            {
                return detail;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"incident {incidentId} still {detail.Incident.Status} after 30 s");
            if (sinceAdvance.Elapsed > TimeSpan.FromSeconds(1))
            {
                nova.Advance(FakeClockTopologyFixture.SweepInterval);
                sinceAdvance.Restart();
            }

            await Task.Delay(20, ct);
        }
    }
}
