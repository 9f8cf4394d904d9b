using System.Net;
using System.Net.Http.Json;
using Nova.Contracts;

namespace Nova.Integration.Tests;

/// <summary>
/// Every captured body in shared/fixtures, replayed over HTTP into a fresh service, with the
/// outcome FORMATS.md and the fixtures README call for.
/// </summary>
public sealed class FixtureReplayTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    /// <summary>What one fixture, sent alone to a fresh service, must do.</summary>
    public sealed record Outcome(HttpStatusCode Status, int Incidents, string? IncidentStatus = null, string? Severity = null, int Alerts = 0, int OpenAlerts = 0);

    private static readonly Dictionary<string, Outcome> Expected = new(StringComparer.Ordinal)
    {
        ["alertmanager/firing-single.json"] = new(HttpStatusCode.OK, 1, "triggered", "critical", 1, 1),
        // A resolve of an alert Nova never saw fire changes nothing.
        ["alertmanager/resolved-single.json"] = new(HttpStatusCode.OK, 0),
        // groupKey {}:{} puts both firing alerts in one incident; the resolved one is unknown.
        ["alertmanager/mixed-group.json"] = new(HttpStatusCode.OK, 1, "triggered", "critical", 2, 2),
        ["pagerduty/trigger.json"] = new(HttpStatusCode.Accepted, 1, "triggered", "critical", 1, 1),
        ["pagerduty/trigger-without-dedup-key.json"] = new(HttpStatusCode.Accepted, 1, "triggered", "error", 1, 1),
        ["pagerduty/summary-1024-emoji.json"] = new(HttpStatusCode.Accepted, 1, "triggered", "info", 1, 1),
        // acknowledge/resolve of an unknown dedup_key: 202, nothing stored.
        ["pagerduty/acknowledge.json"] = new(HttpStatusCode.Accepted, 0),
        ["pagerduty/resolve.json"] = new(HttpStatusCode.Accepted, 0),
        ["pagerduty/invalid-action-and-severity.json"] = new(HttpStatusCode.BadRequest, 0),
        ["pagerduty/invalid-summary-too-long.json"] = new(HttpStatusCode.BadRequest, 0),
    };

    public static TheoryData<string> AllFixtures => [.. FixtureFiles()];

    [Fact]
    public void Every_shared_fixture_has_an_expected_outcome_when_the_fixtures_folder_changes()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), FixtureFiles());
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public async Task Fixture_gets_its_expected_answer_and_stores_what_it_should_when_replayed_alone(string fixture)
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var expected = Expected[fixture];
        var body = TopologyFixture.Fixture(fixture, service.IntegrationKey);

        using var response = fixture.StartsWith("alertmanager/", StringComparison.Ordinal)
            ? await nova.SendAlertmanagerAsync(service.IntegrationKey, body, ct)
            : await nova.SendPagerDutyAsync(body, ct);

        var answer = await NovaApi.JsonOfAsync(response, ct);
        Assert.True(expected.Status == response.StatusCode, $"{fixture}: {(int)response.StatusCode} {answer}");
        if (fixture.StartsWith("pagerduty/", StringComparison.Ordinal))
        {
            if (expected.Status == HttpStatusCode.Accepted)
            {
                Assert.Equal("success", answer.GetProperty("status").GetString());
                Assert.Equal("Event processed", answer.GetProperty("message").GetString());
                Assert.False(string.IsNullOrEmpty(answer.GetProperty("dedup_key").GetString()));
            }
            else
            {
                Assert.Equal("invalid event", answer.GetProperty("status").GetString());
                Assert.NotEqual(0, answer.GetProperty("errors").GetArrayLength());
            }
        }

        var incidents = await nova.IncidentsOfAsync(tenant, ct);
        Assert.Equal(expected.Incidents, incidents.Count);
        if (expected.Incidents == 0)
        {
            Assert.Equal(0, await nova.EventRowsOfAsync(tenant, ct));
            return;
        }

        var incident = Assert.Single(incidents);
        Assert.Equal(expected.IncidentStatus, incident.Status);
        Assert.Equal(expected.Severity, incident.Severity);
        Assert.Equal(expected.Alerts, incident.AlertCount);
        Assert.Equal(expected.OpenAlerts, incident.OpenAlerts);
        Assert.Equal(service.Service.Id, incident.ServiceId);
        await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
    }

    [Fact]
    public async Task Alertmanager_firing_then_resolved_fixtures_open_then_resolve_one_incident_when_replayed_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var fired = await nova.AlertmanagerOkAsync(service, TopologyFixture.Fixture("alertmanager/firing-single.json"), ct);
        var resolved = await nova.AlertmanagerOkAsync(service, TopologyFixture.Fixture("alertmanager/resolved-single.json"), ct);

        Assert.Equal(1, fired.Opened);
        Assert.Equal(1, resolved.Resolved);
        Assert.Equal(fired.Incidents, resolved.Incidents);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal("resolved", incident.Status);
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
        var alert = Assert.Single(detail.Alerts);
        Assert.Equal("c05fa418c4d33440", alert.Key);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 16, 16, 9, TimeSpan.Zero), alert.EndsAt);
        Assert.Equal(["incident.opened", "alert.fired", "alert.resolved", "incident.resolved"], detail.Timeline.Select(t => t.Kind));
    }

    [Fact]
    public async Task Alertmanager_fixture_is_ignored_when_it_is_delivered_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);
        var body = TopologyFixture.Fixture("alertmanager/mixed-group.json");
        await nova.AlertmanagerOkAsync(service, body, ct);
        var before = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));

        var again = await nova.AlertmanagerOkAsync(service, body, ct);

        Assert.Equal((0, 0, 0, 3), (again.Opened, again.Updated, again.Resolved, again.Ignored));
        var after = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task PagerDuty_trigger_acknowledge_resolve_fixtures_move_one_incident_through_every_status_when_replayed_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var statuses = new List<string>();
        foreach (var fixture in (string[])["pagerduty/trigger.json", "pagerduty/acknowledge.json", "pagerduty/resolve.json"])
        {
            var dedupKey = await nova.PagerDutyOkAsync(TopologyFixture.Fixture(fixture, service.IntegrationKey), ct);
            Assert.Equal("db-2/replication-lag", dedupKey);
            statuses.Add(Assert.Single(await nova.IncidentsOfAsync(tenant, ct)).Status);
        }

        Assert.Equal(["triggered", "acknowledged", "resolved"], statuses);
        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        var detail = await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
        Assert.Equal("Replication lag above 30s on db-2", detail.Incident.Title);
        Assert.Equal("db-2/replication-lag", Assert.Single(detail.Alerts).Key);
    }

    [Fact]
    public async Task PagerDuty_emoji_summary_fixture_keeps_all_1024_characters_when_it_becomes_the_title()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        await nova.PagerDutyOkAsync(TopologyFixture.Fixture("pagerduty/summary-1024-emoji.json", service.IntegrationKey), ct);

        var incident = Assert.Single(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(string.Concat(Enumerable.Repeat("🙂", 1024)), incident.Title);
    }

    [Fact]
    public async Task Mixed_group_fixture_shows_both_firing_alerts_with_their_fingerprints_when_read_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, service) = await nova.NewServiceAsync(ct);

        var result = await nova.AlertmanagerOkAsync(service, TopologyFixture.Fixture("alertmanager/mixed-group.json"), ct);

        Assert.Equal((1, 1, 0, 1), (result.Opened, result.Updated, result.Resolved, result.Ignored));
        var detail = await nova.IncidentAsync(Assert.Single(result.Incidents), ct);
        Assert.Equal(["59d7a84a7536c84e", "79b00eeaf78a4839"], detail.Alerts.Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.Equal("bar", detail.Alerts.Single(a => a.Key == "79b00eeaf78a4839").Labels["foo🙂"]);
        using var region = nova.Region(NovaApi.Home);
        Assert.Equal(tenant.Id, (await region.GetFromJsonAsync<IncidentDetail>("v1/incidents/" + detail.Incident.Id, TopologyFixture.Json, ct))!.Incident.TenantId);
    }

    private static List<string> FixtureFiles() =>
        [.. Directory.GetFiles(TopologyFixture.FixturesFolder, "*.json", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TopologyFixture.FixturesFolder, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
}
