using System.Net;

namespace Nova.Integration.Tests;

/// <summary>PagerDuty Events API v2 at POST /v2/enqueue: answers and dedup_key semantics (FORMATS.md).</summary>
public sealed class PagerDutyIngestTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    [Fact]
    public async Task Trigger_answers_202_with_pagerdutys_body_and_opens_an_incident_when_the_key_is_new()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var dedupKey = await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "db-2/lag", "Lag 41s", "error"), ct);

        Assert.Equal("db-2/lag", dedupKey);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(("triggered", "error", "Lag 41s", "pagerduty"), (incident.Status, incident.Severity, incident.Title, incident.Source));
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Trigger_with_the_dedup_key_of_an_open_alert_updates_it_instead_of_opening_a_second_incident()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k", "Lag 41s", "warning"), ct);
        var first = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));

        var repeated = await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k", "Lag 41s", "warning"), ct);
        var afterRepeat = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        var escalated = await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k", "Lag 95s", "critical"), ct);

        Assert.Equal(["k", "k"], [repeated, escalated]);
        Assert.Equal(first.Version, afterRepeat.Version);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(first.Id, incident.Id);
        Assert.Equal(("critical", 1, 1), (incident.Severity, incident.AlertCount, incident.OpenAlerts));
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
        Assert.Equal("Lag 95s", Assert.Single(detail.Alerts).Summary);
    }

    [Fact]
    public async Task Trigger_opens_a_new_incident_when_its_dedup_key_was_resolved()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k"), ct);
        await nova.PagerDutyOkAsync(Pd.Event(service.IntegrationKey, "resolve", "k"), ct);

        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k"), ct);

        var incidents = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(["resolved", "triggered"], incidents.Select(i => i.Status).Order(StringComparer.Ordinal));
        await nova.AssertProjectionsEqualFoldsAsync(tenant, ct);
    }

    [Fact]
    public async Task Trigger_opens_a_new_incident_when_a_person_resolved_the_one_of_its_dedup_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k"), ct);
        using (var resolve = await nova.ActAsync(Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).Id, "resolve", ct))
        {
            await TopologyFixture.EnsureAsync(resolve, ct);
        }

        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k"), ct);

        Assert.Equal(["resolved", "triggered"], (await nova.IncidentsOfAsync(tenant, ct)).Select(i => i.Status).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("acknowledge")]
    [InlineData("resolve")]
    public async Task Acknowledge_or_resolve_of_an_unknown_dedup_key_answers_202_and_stores_nothing(string action)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var dedupKey = await nova.PagerDutyOkAsync(Pd.Event(service.IntegrationKey, action, "never-triggered"), ct);

        Assert.Equal("never-triggered", dedupKey);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }

    [Fact]
    public async Task Acknowledge_and_resolve_move_the_incident_when_the_sender_names_an_open_dedup_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "k"), ct);

        await nova.PagerDutyOkAsync(Pd.Event(service.IntegrationKey, "acknowledge", "k"), ct);
        var acked = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        await nova.PagerDutyOkAsync(Pd.Event(service.IntegrationKey, "acknowledge", "k"), ct);
        var ackedTwice = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        await nova.PagerDutyOkAsync(Pd.Event(service.IntegrationKey, "resolve", "k"), ct);
        var resolved = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        await nova.PagerDutyOkAsync(Pd.Event(service.IntegrationKey, "acknowledge", "k"), ct);

        Assert.Equal("acknowledged", acked.Status);
        Assert.Equal(acked.Version, ackedTwice.Version);
        Assert.Equal(("resolved", 0), (resolved.Status, resolved.OpenAlerts));
        var after = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(("resolved", resolved.Version), (after.Status, after.Version));
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, after.Id, ct);
        Assert.Contains(detail.Timeline, t => t.Text == "Acknowledged by the sender");
    }

    [Fact]
    public async Task Trigger_without_dedup_key_gets_a_generated_one_that_later_events_can_name()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var generated = await nova.PagerDutyOkAsync(TopologyFixture.Fixture("pagerduty/trigger-without-dedup-key.json", service.IntegrationKey), ct);
        var other = await nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, null), ct);
        await nova.PagerDutyOkAsync(Pd.Event(service.IntegrationKey, "resolve", generated), ct);

        Assert.NotEqual(generated, other);
        Assert.InRange(generated.Length, 1, 255);
        var incidents = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(2, incidents.Count);
        var resolved = Assert.Single(incidents, i => i.Status == "resolved");
        Assert.Equal(generated, Assert.Single((await nova.IncidentAsync(resolved.Id, ct)).Alerts).Key);
        Assert.Equal("triggered", Assert.Single(incidents, i => i.Id != resolved.Id).Status);
    }

    [Fact]
    public async Task Concurrent_triggers_with_one_dedup_key_open_one_incident()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => nova.PagerDutyOkAsync(Pd.Trigger(service.IntegrationKey, "same"), ct)));

        Assert.All(keys, k => Assert.Equal("same", k));
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(1, incident.AlertCount);
    }

    [Fact]
    public async Task Trigger_is_401_and_stores_nothing_when_its_routing_key_is_no_services_integration_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, _) = await nova.NewServiceAsync(ct);

        using var response = await nova.SendPagerDutyAsync(Pd.Trigger("00000000000000000000000000000000", "k"), ct);

        await NovaApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:nova:problem:unauthorized", ct);
        await nova.AssertNothingStoredAsync(tenant, ct);
    }
}
